#pragma once

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <functional>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "notify/email/email_notifier.h"
#include "notify/http_client.h"
#include "notify/notifier.h"
#include "paging/delivery_worker.h"
#include "paging/escalation_scheduler.h"
#include "paging/group_update.h"
#include "paging/oncall_source.h"
#include "paging/people.h"
#include "paging/stakeholder_notice.h"
#include "storage/database.h"

namespace vakt::paging {

struct PagingOptions {
  std::string oncall_path;      // the on-call file; "" = no escalations
  std::string templates_dir = "examples/templates";
  std::string webhook_secret;   // "whsec_…" Standard Webhooks signing secret; "" = no webhooks
  std::string smtp_url;         // "smtp://127.0.0.1:25"; "" = no e-mail
  std::string smtp_from = "vakt@localhost";
  std::string slack_webhook_url;
  std::string drill_webhook_url;  // drills go here, or are only recorded when ""
  TimeMs poll_interval_ms = 500;  // real time between background passes
  std::string owner;              // lease owner; generated ("host:pid:random") when ""
  TimeMs lease_ms = 60'000;
  storage::OutboxRetryPolicy retry;
  // Each runbook's detection.group_interval for group updates; "" = the 5-minute default.
  GroupIntervalLookup group_interval_of;
  std::string fallback_channel;  // see DeliveryWorkerOptions
  std::string fallback_target;
};

// DeliveryLanes are the per-channel queues the background threads serve: one each for webhook,
// Slack and e-mail, and one for everything else (runbook fan-out, drills).
const std::vector<storage::OutboxLane>& DeliveryLanes();

// PagingService is paging in the server: the on-call file (with the API-defined users, teams and
// overrides laid over it), the escalation scheduler and the notification delivery worker, each
// pass on the injected clock, run by background threads (Start/Stop: one for escalation, one per
// delivery lane, so a receiver that hangs until its timeout delays only its own channel) or
// called directly (tests). Thread-safe.
class PagingService {
 public:
  // Create builds the notifiers from `options` (a bad webhook secret is InvalidArgument) and
  // loads the on-call file (NotFound / InvalidArgument). `database` and `clock` must outlive
  // the service.
  static Result<std::unique_ptr<PagingService>> Create(
      storage::Database& database, const Clock& clock, PolicyLookup policy_of,
      PagingOptions options);
  ~PagingService();

  // ReloadOncall re-reads the on-call file; the old one keeps serving on error.
  Status ReloadOncall();
  const OncallSource& oncall() const { return oncall_; }
  const PagingOptions& options() const { return options_; }
  const DeliveryRoute& route() const { return route_; }

  Result<PassCounts> RunEscalationPass();
  // RunDeliveryPass delivers what is due on every channel, or on `lane`'s only.
  Result<DeliveryCounts> RunDeliveryPass(const storage::OutboxLane* lane = nullptr);
  // RunGroupUpdatePass announces alerts that joined open incidents (see group_update.h).
  Result<GroupUpdateCounts> RunGroupUpdatePass();

  // Notify enqueues a stakeholder notice (see EnqueueNotice) and wakes the delivery worker.
  Result<NoticeResult> Notify(const Incident& incident, const NoticeRequest& request);

  // AddOverride puts `user` on call in `schedule_id` for [start, end) (stored, audited as
  // `actor`, and visible to every instance by their next pass). NotFound for an unknown
  // schedule or user; InvalidArgument for start >= end or longer than 90 days.
  Result<std::int64_t> AddOverride(const std::string& schedule_id, const std::string& user,
                                   TimeMs start, TimeMs end, const std::string& actor);
  // RefreshOverrides re-reads the stored overrides into the on-call configuration.
  Status RefreshOverrides();
  // RefreshPeople re-reads the API-defined users and teams into the on-call configuration.
  Status RefreshPeople();
  // people manages the users and teams defined through the API.
  People& people() { return *people_; }

  // SendTest sends a test message on `channel` ("webhook", "slack" or "email") to `target`
  // (Slack: "" = the configured incoming webhook) right now through the configured notifier,
  // and audits it as `actor`. InvalidArgument naming "channel" or "to" for bad input,
  // FailedPrecondition when the channel is not configured, the send's own error otherwise.
  Status SendTest(const std::string& channel, const std::string& target, const std::string& actor);

  // Wake asks the background thread for a pass now (e.g. after an incident was acknowledged).
  void Wake();
  void Start();
  void Stop();

 private:
  PagingService(storage::Database& database, const Clock& clock, PolicyLookup policy_of,
                PagingOptions options);
  // RunLoop calls `pass` whenever `generation` moves (a Wake) or the poll interval passes,
  // until Stop.
  void RunLoop(const std::uint64_t& generation, const std::function<void()>& pass);
  void WakeDelivery();

  storage::Database& database_;
  const Clock& clock_;
  PagingOptions options_;
  DeliveryRoute route_;
  OncallSource oncall_;
  std::unique_ptr<People> people_;
  notify::CurlHttpClient http_;
  std::unique_ptr<EscalationScheduler> scheduler_;
  std::unique_ptr<DeliveryWorker> delivery_;
  std::mutex wake_mu_;
  std::condition_variable wake_;
  std::uint64_t escalation_wakes_ = 0;  // GUARDED_BY(wake_mu_)
  std::uint64_t delivery_wakes_ = 0;    // GUARDED_BY(wake_mu_)
  bool stopping_ = false;               // GUARDED_BY(wake_mu_)
  std::vector<std::thread> workers_;
};

}  // namespace vakt::paging
