#pragma once

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "common/clock.h"
#include "common/status.h"
#include "notify/email/email_notifier.h"
#include "notify/http_client.h"
#include "notify/notifier.h"
#include "paging/delivery_worker.h"
#include "paging/escalation_scheduler.h"
#include "paging/oncall_source.h"
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
};

// PagingService is paging in the server: the on-call file, the escalation scheduler and the
// notification delivery worker, each pass on the injected clock, run by one background thread
// (Start/Stop) or called directly (tests). Thread-safe.
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
  Result<DeliveryCounts> RunDeliveryPass();

  // Notify enqueues a stakeholder notice (see EnqueueNotice) and wakes the delivery worker.
  Result<NoticeResult> Notify(const Incident& incident, const NoticeRequest& request);

  // AddOverride puts `user` on call in `schedule_id` for [start, end) (stored, audited as
  // `actor`, and visible to every instance by their next pass). NotFound for an unknown
  // schedule or user; InvalidArgument for start >= end or longer than 90 days.
  Result<std::int64_t> AddOverride(const std::string& schedule_id, const std::string& user,
                                   TimeMs start, TimeMs end, const std::string& actor);
  // RefreshOverrides re-reads the stored overrides into the on-call configuration.
  Status RefreshOverrides();

  // Wake asks the background thread for a pass now (e.g. after an incident was acknowledged).
  void Wake();
  void Start();
  void Stop();

 private:
  PagingService(storage::Database& database, const Clock& clock, PolicyLookup policy_of,
                PagingOptions options);
  void Run();

  storage::Database& database_;
  const Clock& clock_;
  PagingOptions options_;
  DeliveryRoute route_;
  OncallSource oncall_;
  notify::CurlHttpClient http_;
  std::unique_ptr<EscalationScheduler> scheduler_;
  std::unique_ptr<DeliveryWorker> delivery_;
  std::mutex wake_mu_;
  std::condition_variable wake_;
  bool wake_requested_ = false;  // GUARDED_BY(wake_mu_)
  bool stopping_ = false;        // GUARDED_BY(wake_mu_)
  std::thread worker_;
};

}  // namespace vakt::paging
