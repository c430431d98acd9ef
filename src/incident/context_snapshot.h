#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "catalog/catalog.h"
#include "model/alert.h"
#include "runbook/runbook.h"
#include "storage/alert_store.h"

namespace vakt::incident {

// SnapshotInputs is everything known when an incident opens.
struct SnapshotInputs {
  const Alert* alert = nullptr;                 // the alert that opened the incident
  const runbook::Runbook* runbook = nullptr;    // the selected runbook (pinned)
  const catalog::Pipeline* pipeline = nullptr;  // null when the pipeline is not catalogued
  std::vector<storage::ChangeEvent> deployments;  // the pipeline's history, newest first
  TimeMs now = 0;
  TimeMs recent_window_ms = 24 * 3600 * 1000;  // "deployments in the last N hours"
};

// BuildContextSnapshot freezes what responders need at 3 a.m.: pipeline and model, deployed and
// previous version, recent deployments with notes, whether a change window is open, business
// processes at stake, outstanding risks, the pinned runbook and its links rendered with the
// alert's labels. Pure (no I/O); the result is stored on the incident and never recomputed.
nlohmann::json BuildContextSnapshot(const SnapshotInputs& inputs);

// PipelineOf names the pipeline an alert is about: its `pipeline` label, else the runbook's
// context.pipeline.
std::string PipelineOf(const Alert& alert, const runbook::Runbook* runbook);

}  // namespace vakt::incident
