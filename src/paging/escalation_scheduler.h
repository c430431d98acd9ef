#pragma once

#include <functional>
#include <memory>
#include <string>

#include "common/clock.h"
#include "common/status.h"
#include "paging/delivery_route.h"
#include "paging/oncall_source.h"
#include "storage/database.h"
#include "storage/sql_escalation_timer_store.h"

namespace vakt::paging {

// PolicyLookup returns the escalation policy id of a runbook (its detection.escalation), or ""
// when the runbook names none or is not loaded.
using PolicyLookup = std::function<std::string(const std::string& runbook_id)>;

struct EscalationSchedulerOptions {
  std::string owner;          // lease owner: unique per process ("host:pid:random")
  TimeMs lease_ms = 60'000;   // a crashed holder's timers are claimable again after this
  int batch = 50;             // timers / incidents handled per pass and kind
  std::string templates_dir;  // page.mustache / page.<channel>.mustache; "" = built-in text
};

// PassCounts says what one scheduler pass did.
struct PassCounts {
  int armed = 0;
  int fired = 0;
  int stopped = 0;
  int pages = 0;
};

// EscalationScheduler runs incident escalations from durable timers (escalation_timers):
//  * Arm: a triggered incident without a timer gets one for its runbook's escalation policy,
//    level 1 due at once (a runbook without a policy gets a timer with nothing due, so it is
//    considered once).
//  * Fire: due timers are claimed under a lease, the escalation state machine advances, the
//    people on call are resolved (oncall/) and each page is written as a pages row plus its
//    outbox messages — state, pages, messages and audit records in one transaction, saved with
//    an optimistic version check. Two instances on one database never page twice, and a
//    restart continues from the stored timer.
//  * Stop: timers of incidents that are no longer triggered (acknowledged, resolved, ...) stop;
//    their pages are marked acknowledged and delayed contact messages are cancelled.
// All decisions use the `now` passed in, so tests drive hours of escalation with a FakeClock.
// Thread-safe (stateless between passes; the database serialises).
class EscalationScheduler {
 public:
  EscalationScheduler(storage::Database& database, const OncallSource& oncall,
                      PolicyLookup policy_of, DeliveryRoute route,
                      EscalationSchedulerOptions options);

  // RunPass does arm, stop and fire once at `now`. Errors of single timers are logged and do
  // not stop the pass; the returned error is the first one met (after finishing the pass).
  Result<PassCounts> RunPass(TimeMs now);

 private:
  Status ArmIncident(std::int64_t incident_id, TimeMs now, PassCounts& counts);
  Status StopTimer(const storage::EscalationTimer& timer, TimeMs now, PassCounts& counts);
  Status FireTimer(const storage::EscalationTimer& timer, TimeMs now, PassCounts& counts);

  storage::Database& database_;
  const OncallSource& oncall_;
  PolicyLookup policy_of_;
  DeliveryRoute route_;
  EscalationSchedulerOptions options_;
};

}  // namespace vakt::paging
