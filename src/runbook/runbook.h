#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "catalog/strict_yaml.h"
#include "common/clock.h"
#include "runbook/selector.h"

// Runbook format v1: the five sections of the incident anatomy as first-class parts. The format
// is specified in docs/runbook_schema.md and schemas/runbook.schema.json; runbook/loader.h parses
// it strictly. Everything here is pure data: no side effects, safe to share read-only.
namespace vakt::runbook {

using catalog::YamlPos;
using StringMap = std::map<std::string, std::string, std::less<>>;

// Risk orders how dangerous a step is; high and critical steps must require approval.
enum class Risk { kLow, kMedium, kHigh, kCritical };
const char* RiskName(Risk risk);

struct Link {
  std::string title;
  std::string url;  // may contain {{templates}}
};

// Approval is what must happen before a step runs: `count` distinct people holding any of
// `roles` approve the exact rendered action, within `expires_ms` of the request.
struct Approval {
  std::vector<std::string> roles;
  int count = 1;
  bool distinct_from_requester = true;
  TimeMs expires_ms = 30 * 60 * 1000;
};

struct ManualAction {
  std::string instructions;  // markdown shown to the responder, who confirms it
};

struct HttpAction {
  std::string method = "POST";
  std::string url;
  StringMap headers;
  std::optional<nlohmann::json> json;  // request body as JSON (strings may be templates)
  std::string body;                    // raw body; exclusive with json
  TimeMs timeout_ms = 10'000;
  int retries = 0;
  std::vector<int> expect_status;  // empty = any 2xx
};

struct CommandAction {
  std::vector<std::string> argv;  // never a shell
  TimeMs timeout_ms = 60'000;
  std::vector<std::string> env;  // names of variables passed through; everything else is cleared
  std::string cwd;
};

struct NotifyAction {
  std::string template_name;
  std::vector<std::string> to;  // "group:x", "user:y", "oncall:policy", "channel:#z"
};

// CaptureSource is one piece of evidence to capture into the content-addressed store.
struct CaptureSource {
  enum class Kind { kPrometheus, kHttp, kCommand };
  Kind kind = Kind::kPrometheus;
  std::string name;               // evidence item name; defaults to "<kind>-<index>"
  std::string query;              // kPrometheus: PromQL
  TimeMs range_ms = 0;            // kPrometheus: range query over the last range_ms (0 = instant)
  std::string url;                // kHttp: GET url
  std::vector<std::string> argv;  // kCommand
};

struct CaptureAction {
  std::vector<CaptureSource> sources;
};

// CheckAction polls a condition until it holds for `for_ms` or `timeout_ms` passes.
struct CheckAction {
  std::string prometheus;  // PromQL; the check holds while it returns a non-empty result...
  std::string http_url;    // ...or while GET returns 2xx
  std::string condition;   // optional, e.g. "> 0.9995" applied to the single PromQL value
  TimeMs for_ms = 0;
  TimeMs timeout_ms = 15 * 60 * 1000;
  TimeMs interval_ms = 30'000;
};

struct WaitAction {
  TimeMs duration_ms = 0;
};

struct DriftConfig {
  std::string reference;  // "file:path.csv" or an evidence reference
  std::string current;
  std::vector<std::string> features;  // empty = all shared columns
  std::string method = "psi";         // psi | ks | wasserstein | js
  double threshold = 0.2;
};

struct RegressionConfig {
  std::string metric;  // e.g. auc, mape
  double baseline = 0;
  double tolerance = 0;
  std::string source;  // where current values come from (PromQL or file:)
};

struct InfrastructureConfig {
  std::vector<std::string> prometheus;  // PromQL expressions that indicate infra trouble
};

// DiagnoseConfig configures the root-cause engine (drift, regression, infrastructure).
struct DiagnoseConfig {
  std::optional<DriftConfig> drift;
  std::optional<RegressionConfig> regression;
  std::optional<InfrastructureConfig> infrastructure;
  bool deployments = false;  // correlate with recent deployments of the pipeline
};

using Action = std::variant<ManualAction, HttpAction, CommandAction, NotifyAction, CaptureAction,
                            CheckAction, WaitAction, DiagnoseConfig>;
// ActionKindName returns the YAML key of the action ("manual", "http", ...).
const char* ActionKindName(const Action& action);

struct Step {
  std::string id;
  std::string title;
  std::string description;
  Risk risk = Risk::kLow;
  bool auto_run = false;  // YAML `auto`: run without a human pressing the button (after approval)
  std::optional<Approval> approval;
  TimeMs timeout_ms = 0;  // 0 = the action's own timeout
  Action action;
  YamlPos pos;
};

struct Metadata {
  std::string id;
  std::string title;
  int version = 1;
  std::vector<std::string> owners;
  std::vector<std::string> tags;
  std::string description;
};

struct Context {
  std::string pipeline;  // catalogue pipeline id
  std::vector<std::string> business_impact;
  std::vector<Link> links;
  YamlPos pipeline_pos;
};

// Detection is how alerts find this runbook (Alertmanager route semantics): all selectors must
// match; runbooks are tried in order; the first match stops the search unless it sets continue.
struct Detection {
  std::vector<Selector> match;
  bool continue_matching = false;  // YAML `continue`
  bool is_default = false;         // YAML `default`: the triage runbook for unmatched alerts
  int priority = 0;                // lower is tried first; ties by file path
  std::string escalation;          // escalation policy id
  std::vector<std::string> group_by;
  TimeMs group_wait_ms = 30'000;
  TimeMs group_interval_ms = 5 * 60'000;
  std::vector<Link> links;
  YamlPos pos;
  YamlPos escalation_pos;
};

struct Investigate {
  std::optional<DiagnoseConfig> diagnose;
  std::vector<std::string> evidence_required;
  std::vector<Step> steps;
};

struct Resolve {
  std::vector<Step> verify;     // checks that prove the fix (check or manual steps)
  std::vector<Step> close_out;  // what to do once verified (notify, capture, manual)
};

// TemplateField is one string of the runbook that contains "{{", recorded while loading so the
// linter can check template variables without knowing every field.
struct TemplateField {
  std::string text;
  YamlPos pos;
};

// Runbook is one parsed, schema-valid runbook with the exact source it came from: incidents pin
// (id, version, content_hash).
struct Runbook {
  Metadata metadata;
  Context context;
  Detection detection;
  std::vector<Step> stabilise;
  Investigate investigate;
  Resolve resolve;

  std::string source_path;
  std::string source_text;
  std::string content_hash;  // lowercase hex SHA-256 of source_text
  std::vector<TemplateField> templates;

  const std::string& id() const { return metadata.id; }
  // AllSteps returns every step in section order (stabilise, investigate, verify, close_out).
  std::vector<const Step*> AllSteps() const;
};

}  // namespace vakt::runbook
