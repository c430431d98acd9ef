#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "model/alert.h"
#include "model/incident.h"
#include "paging/delivery_route.h"
#include "storage/database.h"

namespace vakt::paging {

// GroupIntervalLookup returns a runbook's detection.group_interval in ms (the runbook default
// when it is not loaded).
using GroupIntervalLookup = std::function<TimeMs(const std::string& runbook_id)>;

// GroupUpdateText is what a group update says: a subject line, a plain-text body for people and a
// JSON payload (a webhook body) listing the alerts that joined. Alert text is data: it is placed,
// never interpreted. At most kMaxListedAlerts are listed; the rest are counted.
struct GroupUpdateText {
  std::string subject;
  std::string text;
  nlohmann::json payload;
};
inline constexpr size_t kMaxListedAlerts = 20;
GroupUpdateText RenderGroupUpdate(const Incident& incident, const std::vector<Alert>& joined,
                                  size_t total_alerts);

struct GroupUpdateCounts {
  int updates = 0;   // incidents announced
  int messages = 0;  // outbox messages enqueued
};

// RunGroupUpdatePass gives Alertmanager's group_interval to incidents: alerts that joined an open
// incident after it opened are announced to everyone its pages went to, in one message per
// contact, no sooner than group_interval after the incident opened or after its last update.
// Watermark, incident event ("alerts_announced"), outbox messages and audit records commit
// together, so a restart or a second instance never announces a batch twice. Drill incidents go
// through `route` like their pages. An incident nobody was paged for still records the event.
Result<GroupUpdateCounts> RunGroupUpdatePass(storage::Database& database,
                                             const GroupIntervalLookup& interval_of,
                                             const DeliveryRoute& route, TimeMs now,
                                             int limit = 50);

}  // namespace vakt::paging
