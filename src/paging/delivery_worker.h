#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "common/clock.h"
#include "common/status.h"
#include "notify/notifier.h"
#include "notify/retrying_notifier.h"
#include "paging/delivery_route.h"
#include "paging/oncall_source.h"
#include "storage/database.h"
#include "storage/sql_outbox.h"

namespace vakt::paging {

struct DeliveryWorkerOptions {
  std::string owner;           // lease owner: unique per process
  TimeMs lease_ms = 60'000;    // longer than any single send (notifier timeouts are ~20 s)
  int batch = 20;
  storage::OutboxRetryPolicy retry;
  // Draws the random part of each retry wait (see RetryWait); tests pass a fixed one.
  notify::JitterSource jitter = notify::RandomJitter();
  // A message that fails for good on another channel is sent once more on this one ("" = no
  // fallback): a page to the paged user's address on it, anything else to fallback_target
  // (skipped when that is empty).
  std::string fallback_channel;
  std::string fallback_target;
  // Slack contacts are user ids; messages to them go through this incoming webhook. A Slack
  // target that is itself an https URL is used as the webhook.
  std::string slack_webhook_url;
  // For "runbook-notify" messages (a runbook step's notify action): where the agreed templates
  // are, and how drill incidents are redirected.
  std::string templates_dir;
  DeliveryRoute route;
};

// DeliveryCounts says what one delivery pass did.
struct DeliveryCounts {
  int sent = 0;
  int retrying = 0;
  int failed = 0;
};

// DeliveryWorker empties the notification outbox: it claims due messages under a lease, sends
// each through the notifier of its channel ("webhook", "slack", "email"), and marks it sent, or
// failed with backoff (Unavailable) or for good (any other error, or max attempts). Channel
// "drill" is recorded as sent without contacting anyone. Channel "runbook-notify" (enqueued by a
// runbook notify step with target = one recipient such as group:x and subject = template) is
// fanned out: the template is rendered with the incident, the recipient resolved through the
// on-call file, and one message per contact enqueued (drills redirected) in the transaction that
// marks the step's message sent. Sends happen outside any database transaction. Thread-safe if
// the notifiers are.
class DeliveryWorker {
 public:
  // `notifiers` maps channel name to notifier; a channel without one fails its messages.
  // `oncall` must outlive the worker.
  DeliveryWorker(storage::Database& database, const OncallSource& oncall,
                 std::map<std::string, std::shared_ptr<notify::Notifier>> notifiers,
                 DeliveryWorkerOptions options);

  // RunPass claims and delivers what is due at `now` (only the lane's channels when `lane` is
  // given: the server runs one pass loop per lane so a hanging receiver delays only its own
  // channel); `clock` is read around each send to date the attempt record. Returns the first
  // marking error after finishing the batch.
  Result<DeliveryCounts> RunPass(TimeMs now, const Clock& clock,
                                 const storage::OutboxLane* lane = nullptr);

  // SendNow sends `row` through its channel's notifier at once, outside the outbox (for `vakt
  // notify test`): the same conversion and notifier as a real delivery.
  Status SendNow(const storage::OutboxRow& row) { return Deliver(row); }

 private:
  Status Deliver(const storage::OutboxRow& row);
  Status FanOut(const storage::OutboxRow& row, TimeMs now);
  // MarkFailed records a failed attempt with a jittered wait and, when it is the last, the
  // fallback message.
  Status MarkFailed(const storage::OutboxRow& row, const Status& error, TimeMs started,
                    TimeMs after, DeliveryCounts& counts);
  std::optional<storage::OutboxMessage> FallbackFor(const storage::OutboxRow& row) const;

  storage::Database& database_;
  const OncallSource& oncall_;
  std::map<std::string, std::shared_ptr<notify::Notifier>> notifiers_;
  DeliveryWorkerOptions options_;
};

// RetryWait is the wait after `failed_attempts` failures: "equal jitter" on the outbox backoff,
// half of BackoffAfter plus a uniform draw up to the other half, so retries after one outage
// spread out but never come sooner than half the backoff. Pure given `jitter`.
TimeMs RetryWait(std::int64_t failed_attempts, const storage::OutboxRetryPolicy& policy,
                 const notify::JitterSource& jitter);

// kFallbackSuffix ends the idempotency key of a fallback message; such a message does not fall
// back again.
inline constexpr const char* kFallbackSuffix = ":fallback";

// ToNotification turns an outbox row into what a notifier sends: the payload's "text" (when the
// payload is a JSON object with one) or the payload itself as text; the JSON object is the
// webhook body. `slack_webhook_url` replaces a Slack user id as the target.
Result<notify::Notification> ToNotification(const storage::OutboxRow& row,
                                            const std::string& slack_webhook_url);

}  // namespace vakt::paging
