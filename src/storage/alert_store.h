#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "model/alert.h"

namespace vakt::storage {

// AlertUpsert reports what storing one alert did.
struct AlertUpsert {
  std::uint64_t fingerprint = 0;
  std::int64_t revision = 0;  // 1 for a new alert, +1 on every stored update
  bool created = false;       // first time this fingerprint was seen (or seen again after it ended)
};

// AlertQuery filters ListAlerts. Matchers are applied by the caller's domain layer; the store
// filters on state and pages by fingerprint order so results are stable.
struct AlertQuery {
  enum class State { kAny, kActive, kResolved };
  State state = State::kAny;
  TimeMs now = 0;                     // reference time for active/resolved
  std::uint64_t after_fingerprint = 0;  // exclusive cursor for pagination
  bool has_cursor = false;
  size_t limit = 1000;
};

// ChangeEvent is a deployment or change record (PagerDuty change event, POST /api/v1/deployments).
struct ChangeEvent {
  std::int64_t id = 0;
  std::string pipeline;  // may be empty for changes not tied to a catalogued pipeline
  std::string summary;
  std::string source;
  std::string version;  // deployed version, when the event says so
  TimeMs timestamp = 0;
  std::string payload_json;  // the whole event as received (canonical JSON)
};

// AlertStore persists alerts with Alertmanager merge semantics. Implementations are safe for
// concurrent use; UpsertAlerts commits all given alerts in one transaction (group commit), and
// returns only after the commit is durable under the configured synchronous level.
class AlertStore {
 public:
  virtual ~AlertStore() = default;

  // UpsertAlerts stores every alert: an alert whose active range overlaps the stored one for the
  // same fingerprint is merged (latest update wins, earliest startsAt kept); otherwise it replaces
  // it as a new occurrence. Returns one AlertUpsert per input, in order.
  virtual Result<std::vector<AlertUpsert>> UpsertAlerts(const std::vector<Alert>& alerts) = 0;

  // Pipelined group commit: UpsertAlertsUnsynced stores and commits like UpsertAlerts (readers see
  // the alerts) but may return before the commit is durable; SyncCommitted returns once every
  // commit that UpsertAlertsUnsynced returned before the call is durable under the configured
  // level. The ingest writer commits the next group while the previous one syncs, so the writer's
  // work and the fsync overlap instead of adding up. Engines whose commit is durable on return
  // keep these defaults. Never answer a client between the two calls.
  virtual Result<std::vector<AlertUpsert>> UpsertAlertsUnsynced(const std::vector<Alert>& alerts) {
    return UpsertAlerts(alerts);
  }
  virtual Status SyncCommitted() { return Status::Ok(); }

  // GetAlert returns the stored alert or NotFound.
  virtual Result<Alert> GetAlert(std::uint64_t fingerprint) = 0;

  // FindByDedupKey returns the alert a PagerDuty dedup key (already scoped to its routing key)
  // points at, or NotFound.
  virtual Result<Alert> FindByDedupKey(const std::string& scoped_dedup_key) = 0;

  // ListAlerts pages through alerts in fingerprint order.
  virtual Result<std::vector<Alert>> ListAlerts(const AlertQuery& query) = 0;

  // CountAlerts counts every stored alert (for metrics and tests).
  virtual Result<std::int64_t> CountAlerts() = 0;

  // AddChangeEvent stores a deployment/change record and returns its id.
  virtual Result<std::int64_t> AddChangeEvent(const ChangeEvent& event) = 0;

  // ListChangeEvents returns change events since `since` (inclusive), newest first; pipeline ""
  // means every pipeline.
  virtual Result<std::vector<ChangeEvent>> ListChangeEvents(const std::string& pipeline,
                                                            TimeMs since, size_t limit) = 0;
};

}  // namespace vakt::storage
