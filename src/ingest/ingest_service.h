#pragma once

#include <string>
#include <nlohmann/json.hpp>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/metrics.h"
#include "common/status.h"
#include "ingest/commit_queue.h"
#include "ingest/field_error.h"
#include "ingest/limits.h"
#include "storage/alert_store.h"

namespace vakt::ingest {

// IngestReport says what one request stored: `accepted` alerts committed, `errors` the invalid
// ones (Alertmanager best-effort: valid alerts of a batch are stored, the rest named).
struct IngestReport {
  size_t accepted = 0;
  FieldErrors errors;
};

// PagerDutyReport is the outcome of an Events API v2 request: the dedup key to echo on success,
// or PagerDuty-style error strings.
struct PagerDutyReport {
  std::string dedup_key;
  std::vector<std::string> errors;
};

// IngestService turns request bodies of every supported contract into committed alerts and
// change events. The only alert writer: all alert writes go through its CommitQueue.
// Status codes: InvalidArgument (the body is not usable at all; nothing stored),
// ResourceExhausted (queue full; retry), Unavailable (storage failed; nothing of it stored).
// Thread-safe.
class IngestService {
 public:
  IngestService(storage::AlertStore& store, CommitQueue& queue, const Clock& clock,
                IngestLimits limits, MetricsRegistry& metrics);

  Result<IngestReport> IngestAlertmanagerApi(std::string_view body);
  Result<IngestReport> IngestAlertmanagerWebhook(std::string_view body);
  Result<PagerDutyReport> IngestPagerDutyEvent(std::string_view body);
  Result<PagerDutyReport> IngestPagerDutyChange(std::string_view body);
  // RecordDeployment stores POST /api/v1/deployments {pipeline, version, summary?, timestamp?,
  // source?, ...} and returns the change id.
  Result<std::int64_t> RecordDeployment(std::string_view body);

  const IngestLimits& limits() const { return limits_; }

 private:
  Result<IngestReport> Commit(std::vector<Alert> alerts, FieldErrors errors, const char* endpoint);
  Result<nlohmann::json> Parse(std::string_view body, size_t max_bytes);

  storage::AlertStore& store_;
  CommitQueue& queue_;
  const Clock& clock_;
  const IngestLimits limits_;
  MetricsRegistry& metrics_;
};

}  // namespace vakt::ingest
