#include "retro/response_report.h"

#include <algorithm>
#include <cmath>
#include <map>

namespace vakt::retro {

std::optional<TimeMs> Percentile(std::vector<TimeMs> values, double p) {
  if (values.empty() || p <= 0 || p > 100) return std::nullopt;
  std::sort(values.begin(), values.end());
  // Nearest rank: the smallest value with at least p% of the values at or below it.
  size_t rank = static_cast<size_t>(std::ceil(p / 100.0 * static_cast<double>(values.size())));
  return values[std::max<size_t>(rank, 1) - 1];
}

ResponseStats StatsOf(const std::vector<storage::ResponseRecord>& records) {
  ResponseStats stats;
  std::vector<TimeMs> to_ack;
  std::vector<TimeMs> to_resolve;
  for (const auto& record : records) {
    ++stats.incidents;
    if (record.acknowledged_at > 0) to_ack.push_back(record.acknowledged_at - record.created_at);
    if (record.resolved_at > 0) to_resolve.push_back(record.resolved_at - record.created_at);
  }
  stats.acknowledged = to_ack.size();
  stats.resolved = to_resolve.size();
  stats.mtta_p50 = Percentile(to_ack, 50);
  stats.mtta_p90 = Percentile(to_ack, 90);
  stats.mttr_p50 = Percentile(to_resolve, 50);
  stats.mttr_p90 = Percentile(to_resolve, 90);
  return stats;
}

nlohmann::json StatsToJson(const ResponseStats& stats) {
  auto value = [](const std::optional<TimeMs>& ms) {
    return ms ? nlohmann::json(*ms) : nlohmann::json(nullptr);
  };
  return {{"incidents", stats.incidents},     {"acknowledged", stats.acknowledged},
          {"resolved", stats.resolved},       {"mtta_p50_ms", value(stats.mtta_p50)},
          {"mtta_p90_ms", value(stats.mtta_p90)}, {"mttr_p50_ms", value(stats.mttr_p50)},
          {"mttr_p90_ms", value(stats.mttr_p90)}};
}

namespace {

nlohmann::json Grouped(const std::vector<storage::ResponseRecord>& records,
                       const std::function<std::string(const storage::ResponseRecord&)>& key_of) {
  std::map<std::string, std::vector<storage::ResponseRecord>> groups;
  for (const auto& record : records) groups[key_of(record)].push_back(record);
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [key, members] : groups) out[key.empty() ? "(none)" : key] = StatsToJson(StatsOf(members));
  return out;
}

nlohmann::json Section(const std::vector<storage::ResponseRecord>& records,
                       const std::function<std::string(const std::string&)>& team_of) {
  return {{"overall", StatsToJson(StatsOf(records))},
          {"by_pipeline", Grouped(records, [](const auto& r) { return r.pipeline; })},
          {"by_runbook", Grouped(records, [](const auto& r) { return r.runbook_id; })},
          {"by_team", Grouped(records, [&](const auto& r) { return team_of(r.pipeline); })},
          {"by_severity", Grouped(records, [](const auto& r) { return r.severity; })}};
}

}  // namespace

nlohmann::json BuildResponseReport(const std::vector<storage::ResponseRecord>& records,
                                   const std::function<std::string(const std::string&)>& team_of) {
  std::vector<storage::ResponseRecord> real;
  std::vector<storage::ResponseRecord> drills;
  for (const auto& record : records) (record.drill ? drills : real).push_back(record);
  return {{"incidents", Section(real, team_of)}, {"drills", Section(drills, team_of)}};
}

nlohmann::json RunbookEffectiveness(const std::vector<storage::StepOutcome>& outcomes,
                                    TimeMs slow_ms) {
  struct Tally {
    size_t runs = 0, skipped = 0, failed = 0;
    std::vector<TimeMs> durations;
  };
  std::map<std::pair<std::string, std::string>, Tally> tallies;
  for (const auto& outcome : outcomes) {
    if (outcome.drill) continue;
    Tally& tally = tallies[{outcome.runbook_id, outcome.step_id}];
    ++tally.runs;
    if (outcome.state == "skipped") ++tally.skipped;
    if (outcome.state == "failed" || outcome.state == "timed_out") ++tally.failed;
    if ((outcome.state == "succeeded" || outcome.state == "failed" || outcome.state == "timed_out") &&
        outcome.requested_at > 0 && outcome.updated_at >= outcome.requested_at) {
      tally.durations.push_back(outcome.updated_at - outcome.requested_at);
    }
  }
  nlohmann::json steps = nlohmann::json::array();
  for (const auto& [key, tally] : tallies) {
    auto p90 = Percentile(tally.durations, 90);
    nlohmann::json flags = nlohmann::json::array();
    if (tally.skipped * 4 >= tally.runs && tally.skipped > 0) flags.push_back("often_skipped");
    if (tally.failed * 4 >= tally.runs && tally.failed > 0) flags.push_back("often_failing");
    if (p90 && *p90 > slow_ms) flags.push_back("slow");
    steps.push_back({{"runbook_id", key.first},
                     {"step_id", key.second},
                     {"runs", tally.runs},
                     {"skipped", tally.skipped},
                     {"failed", tally.failed},
                     {"duration_p90_ms", p90 ? nlohmann::json(*p90) : nlohmann::json(nullptr)},
                     {"flags", flags}});
  }
  return steps;
}

}  // namespace vakt::retro
