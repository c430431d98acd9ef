#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/status.h"
#include "model/alert.h"
#include "storage/alert_store.h"

namespace vakt::ingest {

// PagerDutyAction is the event_action of an Events API v2 alert event.
enum class PagerDutyAction { kTrigger, kAcknowledge, kResolve };

// PagerDutyEvent is a validated Events API v2 event. `errors` holds PagerDuty-style messages
// ("'payload.summary' is missing or blank") when invalid.
struct PagerDutyEvent {
  PagerDutyAction action = PagerDutyAction::kTrigger;
  std::string routing_key;
  std::string dedup_key;  // as the sender gave it, or generated for a trigger without one
  // The alert a trigger creates; for acknowledge/resolve only fingerprint/dedup_key are set.
  Alert alert;
};

struct PagerDutyParse {
  PagerDutyEvent event;
  std::vector<std::string> errors;
};

// ParsePagerDutyEvent validates like PagerDuty does: routing_key of 32 characters, event_action
// in trigger/acknowledge/resolve, dedup_key <= 255 characters (required unless triggering),
// payload.summary <= 1024 characters, payload.source, payload.severity in
// critical/error/warning/info, optional RFC 3339 payload.timestamp.
PagerDutyParse ParsePagerDutyEvent(const nlohmann::json& body, TimeMs now);

// PagerDutyFingerprint identifies an event's alert: the dedup key scoped to its routing key, so
// two integrations never collide. The routing key itself (a secret) is stored only hashed.
std::uint64_t PagerDutyFingerprint(const std::string& routing_key, const std::string& dedup_key);
std::string ScopedDedupKey(const std::string& routing_key, const std::string& dedup_key);

// ParsePagerDutyChange validates a change event (POST /v2/change/enqueue): routing_key,
// payload.summary <= 1024, payload.timestamp optional. custom_details.pipeline / .version feed the
// pipeline's deployment history.
Result<storage::ChangeEvent> ParsePagerDutyChange(const nlohmann::json& body, TimeMs now,
                                                  std::vector<std::string>& errors);

}  // namespace vakt::ingest
