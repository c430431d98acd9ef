#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "app/logging.h"
#include "common/status.h"
#include "evidence/retention.h"
#include "ingest/commit_queue.h"
#include "ingest/limits.h"
#include "storage/database.h"

namespace vakt::app {

// NotifyConfig is how vakt reaches people (vakt.yaml `notify:`; issue 5): channel settings for
// pages and stakeholder notices. An empty value switches that channel off.
struct NotifyConfig {
  std::string templates_dir = "examples/templates";
  std::string webhook_secret;     // "whsec_…" Standard Webhooks signing secret
  std::string smtp_url;           // "smtp://127.0.0.1:25"
  std::string smtp_from = "vakt@localhost";
  std::string slack_webhook_url;  // incoming webhook that Slack user contacts go through
  std::string drill_webhook_url;  // drills go here only; "" = drill messages are only recorded
  // A message that fails for good is sent once more on this channel: a page to the paged
  // user's address on it, anything else to fallback_target. "" = no fallback.
  std::string fallback_channel;
  std::string fallback_target;
};

// AppConfig is everything `vakt serve` needs, from vakt.yaml with flags on top.
struct AppConfig {
  std::string listen_host = "127.0.0.1";
  int listen_port = 8080;
  std::string database_url = "sqlite:var/vakt.db";
  std::string runbooks_dir = "examples/runbooks";
  std::string catalog_path = "examples/pipelines.yaml";
  std::string oncall_path = "examples/oncall.yaml";
  NotifyConfig notify;
  std::string web_dir = "web/dist";
  std::string data_dir = "var";  // keys, evidence blobs
  // Root cause (issue 6): runbook `file:` data references resolve under diagnose_data_dir only;
  // prometheus_url is queried for infrastructure conditions and metric series ("" = skipped).
  std::string diagnose_data_dir = "examples/data";
  std::string prometheus_url;
  storage::DurabilityLevel durability = storage::DurabilityLevel::kFull;
  ingest::IngestLimits limits;
  ingest::CommitQueueOptions queue;
  size_t http_threads = 32;
  std::string audit_origin = "vakt.local/audit";  // names the audit log in its checkpoints
  std::int64_t audit_checkpoint_interval_ms = 60'000;
  // Regulatory deadline warnings (issue 7): recipients ("email:…", "slack:URL", "webhook:URL";
  // none = off), thresholds as percent of the window elapsed and lead times before due, and how
  // often open incidents are swept. Config section `regulatory:`.
  std::vector<std::string> regulatory_warn_to;
  std::vector<int> regulatory_warn_percent = {50, 75, 90};
  std::vector<std::int64_t> regulatory_warn_lead_ms;
  std::int64_t regulatory_warn_interval_ms = 60'000;
  // Evidence retention (issue 7), config section `evidence:`: retention classes (name -> period)
  // and how often the retention sweep runs (0 = never; "off" in YAML).
  evidence::RetentionClasses evidence_retention_classes = evidence::DefaultRetentionClasses();
  std::int64_t evidence_sweep_interval_ms = 6LL * 3600 * 1000;
  LogOptions log;
  // Retros and drills (issue 9). retro_required_for: severities whose incidents cannot close
  // without a completed retro. drill_targets: response targets per runbook id ("default" for all).
  std::vector<std::string> retro_required_for;
  struct DrillTarget {
    std::int64_t acknowledge_ms = 5 * 60'000;
    std::int64_t mitigate_ms = 30 * 60'000;
    std::int64_t resolve_ms = 60 * 60'000;
  };
  std::map<std::string, DrillTarget> drill_targets;
  // Runbook actions (issue 4): where `http` steps and captures may connect (EgressPolicy rules,
  // e.g. "router.internal:8080", "10.0.0.0/8:*"); empty = nowhere.
  std::vector<std::string> action_egress_allow;
  // A run that has not recorded its end this long after its own time bound is outcome_unknown.
  std::int64_t action_lease_grace_ms = 30'000;
  std::string source_text;  // the YAML as loaded, for GET /api/v2/status
};

// LoadAppConfig reads a strict vakt.yaml (unknown keys are errors, reported as file:line:column).
Result<AppConfig> LoadAppConfig(const std::string& path);

// ParseListen splits "host:port" into config fields.
Status ParseListen(const std::string& listen, AppConfig& config);

}  // namespace vakt::app
