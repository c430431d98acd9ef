#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "storage/sql_drill_store.h"

// Response metrics: MTTA and MTTR percentiles per pipeline, runbook, team and severity, drills
// kept apart from real incidents, and runbook effectiveness from step outcomes. Pure.
namespace vakt::retro {

// Percentile returns the nearest-rank percentile (0 < p ≤ 100) of `values`; nullopt when empty.
std::optional<TimeMs> Percentile(std::vector<TimeMs> values, double p);

struct ResponseStats {
  size_t incidents = 0;
  size_t acknowledged = 0;
  size_t resolved = 0;
  std::optional<TimeMs> mtta_p50, mtta_p90, mttr_p50, mttr_p90;
};

// StatsOf computes time-to-acknowledge (created → acknowledged) and time-to-resolve (created →
// resolved) percentiles over the records that reached each milestone.
ResponseStats StatsOf(const std::vector<storage::ResponseRecord>& records);

// BuildResponseReport groups records into {"incidents": {...}, "drills": {...}}, each with
// "overall" and "by_pipeline" / "by_runbook" / "by_team" / "by_severity" maps of stats
// (durations in ms, null when no record reached the milestone). `team_of` maps a pipeline to its
// team ("" when unknown).
nlohmann::json BuildResponseReport(const std::vector<storage::ResponseRecord>& records,
                                   const std::function<std::string(const std::string&)>& team_of);

// RunbookEffectiveness lists, per runbook and step, how often it ran, was skipped or failed, and
// its p90 duration (requested → last update, finished steps only), real incidents only; steps
// skipped or failed in at least a quarter of their runs, or slower than `slow_ms` at p90, are
// flagged.
nlohmann::json RunbookEffectiveness(const std::vector<storage::StepOutcome>& outcomes,
                                    TimeMs slow_ms);

nlohmann::json StatsToJson(const ResponseStats& stats);

}  // namespace vakt::retro
