#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "action/rendered_action.h"
#include "common/status.h"
#include "runbook/runbook.h"

namespace vakt::stabilise {

// RenderedCapture is one capture source after template rendering.
struct RenderedCapture {
  runbook::CaptureSource::Kind kind = runbook::CaptureSource::Kind::kPrometheus;
  std::string name;
  std::string query;              // prometheus
  TimeMs range_ms = 0;            // prometheus: 0 = instant query
  std::string url;                // http GET
  std::vector<std::string> argv;  // command
};

// RenderedCheck is a `check` step after rendering.
struct RenderedCheck {
  std::string prometheus;
  std::string http_url;
  std::string condition;
  TimeMs for_ms = 0;
  TimeMs timeout_ms = 0;
  TimeMs interval_ms = 0;
};

// RenderedStep is exactly what a step would do for one incident, with the hash approvals bind
// to. A plain value.
struct RenderedStep {
  std::string kind;  // runbook::ActionKindName
  // preview shows what would be sent, run or collected (secrets redacted), without side effects.
  nlohmann::json preview;
  // content_hash is the SHA-256 of the unredacted rendered content: ActionContentHash for http
  // and command steps, the canonical JSON of the rendered preview for the other kinds.
  std::string content_hash;
  std::optional<action::RenderedAction> executable;  // http and command steps
  std::vector<RenderedCapture> captures;              // capture steps
  RenderedCheck check;                                // check steps
  std::string text;                                   // manual instructions / notify subject
  std::vector<std::string> recipients;                // notify
  TimeMs wait_ms = 0;                                 // wait
};

// RenderStep renders `step` with `context` (stabilise/template_context.h). Every template field
// is rendered on its own: JSON bodies leaf by leaf, argv element by element, so values from
// alerts stay data. `env_values` gives the values of a command step's `env` names (already
// restricted to the allow-list). InvalidArgument naming the field when a template fails (e.g. an
// unknown variable). Pure.
Result<RenderedStep> RenderStep(const runbook::Step& step, const nlohmann::json& context,
                                const std::map<std::string, std::string>& env_values);

}  // namespace vakt::stabilise
