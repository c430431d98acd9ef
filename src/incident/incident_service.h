#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "catalog/catalog.h"
#include "common/clock.h"
#include "common/metrics.h"
#include "dispatch/runbook_matcher.h"
#include "incident/lifecycle.h"
#include "storage/database.h"
#include "storage/incident_store.h"

namespace vakt::incident {

struct IncidentServiceOptions {
  bool auto_resolve = true;                       // resolve when every alert has resolved
  TimeMs recent_deployments_ms = 24 * 3600 * 1000;
  TimeMs reconcile_interval_ms = 5000;            // catch-up pass even without new commits
  size_t batch_limit = 5000;                      // alerts handled per pass
  // Passes are level-triggered and re-read the database, so under a stream of commits they are
  // spaced at least this far apart instead of running once per commit.
  TimeMs min_pass_interval_ms = 250;
};

// Routing is the hot-swappable configuration: runbooks (with their matcher) and the catalogue.
struct Routing {
  std::shared_ptr<const dispatch::RunbookMatcher> matcher;
  std::shared_ptr<const catalog::Catalog> catalog;
};

// IncidentService turns committed alerts into incidents: route each alert to its runbook, group by
// the runbook's group_by (waiting group_wait after the first alert of a new group), open an
// incident with a context snapshot or join the open one, and resolve incidents whose alerts have
// all resolved. It is level-triggered: every pass works from the database ("active alerts in no
// open incident"), so a crash or restart loses nothing and repeats nothing. Thread-safe.
class IncidentService {
 public:
  IncidentService(storage::Database& database, storage::IncidentStore& store, const Clock& clock,
                  MetricsRegistry& metrics, IncidentServiceOptions options = {});
  ~IncidentService();

  // SetRouting swaps in a new runbook set and catalogue (built and validated by the caller).
  void SetRouting(Routing routing);
  Routing routing() const;

  // Notify wakes the background pass (called after every ingest commit).
  void Notify();
  void Start();
  void Stop();

  // DispatchPending runs one pass now: returns how many alerts were placed into incidents.
  Result<size_t> DispatchPending();

  // Act applies a lifecycle action (ack, mitigate, resolve, close, reopen, assign, note) as
  // `actor`, retrying once on a concurrent update.
  Result<Incident> Act(std::int64_t id, IncidentAction action, const std::string& actor,
                       const std::string& argument);

  storage::IncidentStore& store() { return store_; }

  // ActionGuard may refuse a lifecycle action before it is applied (issue 9: closing an incident
  // whose severity requires a completed retro). Set once while wiring, before Start.
  using ActionGuard = std::function<Status(const Incident& current, IncidentAction action)>;
  void SetActionGuard(ActionGuard guard) { action_guard_ = std::move(guard); }
  // ActionObserver hears each lifecycle action right after it was stored (issue 9: a resolved
  // incident's retro opens at once). Set once while wiring, before Start. It cannot undo the
  // action, so it handles its own errors.
  using ActionObserver = std::function<void(const Incident& updated, IncidentAction action)>;
  void SetActionObserver(ActionObserver observer) { action_observer_ = std::move(observer); }

 private:
  Result<size_t> PlaceAlerts(const std::vector<Alert>& alerts, TimeMs now);
  Status ResolveFinished(TimeMs now);
  void Run();

  storage::Database& database_;
  storage::IncidentStore& store_;
  const Clock& clock_;
  const IncidentServiceOptions options_;
  Counter& opened_;
  Counter& joined_;
  mutable std::mutex routing_mu_;
  Routing routing_;  // GUARDED_BY(routing_mu_)
  std::mutex pass_mu_;  // one pass at a time
  std::mutex wake_mu_;
  std::condition_variable wake_;
  bool wake_requested_ = false;  // GUARDED_BY(wake_mu_)
  bool stopping_ = false;        // GUARDED_BY(wake_mu_)
  TimeMs next_deadline_ = 0;     // earliest pending group_wait; GUARDED_BY(wake_mu_)
  std::thread worker_;
  ActionGuard action_guard_;  // set before Start; read-only afterwards
  ActionObserver action_observer_;  // set before Start; read-only afterwards
};

}  // namespace vakt::incident
