#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "storage/database.h"
#include "storage/sql/sql_connection.h"

namespace vakt::storage {

// The notification outbox (table notification_outbox, schema v6 in schema/paging_schema.cc).
// Every notification vakt sends is first written here in the transaction of the change that
// causes it; a delivery worker then claims due rows under a lease, sends them and marks them.
// Each idempotency key is enqueued at most once (UNIQUE), and a row is sent by at most one
// lease holder at a time, on SQLite (single writer) and on PostgreSQL with several instances
// (FOR UPDATE SKIP LOCKED). A holder that dies mid-send leaves a lease that expires; the row is
// then claimed again, so a crash between "sent" and "marked" can resend once — receivers
// deduplicate on the idempotency key (the Standard Webhooks webhook-id carries it).

// OutboxMessage is what a caller enqueues.
struct OutboxMessage {
  std::string idempotency_key;  // unique per message, e.g. "step:INC-7:notify-risk:risk@x"
  std::string channel;          // "webhook", "slack", "email", "drill"
  std::string target;           // URL, e-mail address, ...; meaning per channel
  std::string subject;
  std::string payload;
  std::optional<std::int64_t> incident_id;
  std::string page_key;  // the pages row this delivers, "" when it is not a page
  TimeMs not_before = 0;  // first attempt no earlier than this (a user's delayed contact rule)
};

// kCancelled: a pending page message whose incident was acknowledged before it was due.
enum class OutboxState { kPending, kSending, kSent, kFailed, kCancelled };
const char* OutboxStateName(OutboxState state);

// OutboxRow is a stored message with its delivery state.
struct OutboxRow {
  std::int64_t id = 0;
  OutboxMessage message;
  OutboxState state = OutboxState::kPending;
  std::int64_t attempts = 0;  // claims so far (a claim counts as an attempt)
  TimeMs next_attempt_at = 0;
  std::string lease_owner;
  TimeMs lease_expires_at = 0;
  std::string last_error;
  TimeMs created_at = 0;
  std::optional<TimeMs> sent_at;
};

// OutboxRetryPolicy: after the n-th failed attempt the row waits base * 2^(n-1) (capped at
// max_backoff) before it is due again; after max_attempts failed attempts it is failed for good.
struct OutboxRetryPolicy {
  std::int64_t max_attempts = 6;
  TimeMs base_backoff = 1000;
  TimeMs max_backoff = 5 * 60 * 1000;
};

// BackoffAfter is the wait after `failed_attempts` failures (>= 1) under `policy`. Pure.
TimeMs BackoffAfter(std::int64_t failed_attempts, const OutboxRetryPolicy& policy);

// EnqueueNotification inserts `message` as pending, due now, inside the caller's open
// transaction on `conn`, and appends a "notification.enqueue" audit record in it. Returns true
// when inserted, false when a message with the same idempotency key already exists (nothing is
// written). InvalidArgument when the key, channel or target is empty.
// REQUIRES: a transaction is open on `conn`.
Result<bool> EnqueueNotification(SqlConnection& conn, const OutboxMessage& message, TimeMs now);

// OutboxLane selects the channels one delivery queue serves: `channels`, or with `others` every
// channel not in `channels`. Each lane has its own worker, so a receiver that hangs until its
// timeout holds up only its own channel.
struct OutboxLane {
  std::vector<std::string> channels;
  bool others = false;
};

// ClaimDueNotifications leases up to `limit` due rows to `owner` until now + lease: pending rows
// whose next_attempt_at <= now, and sending rows whose lease expired; only the lane's channels
// when `lane` is given. Each claim increments attempts. Rows leased to someone else are never
// returned. Ordered by due time.
Result<std::vector<OutboxRow>> ClaimDueNotifications(Database& database, const std::string& owner,
                                                     TimeMs now, TimeMs lease, int limit,
                                                     const OutboxLane* lane = nullptr);

// AttemptOutcome is what a worker knows about one delivery attempt besides its result; each
// Mark* call below writes one notification_attempts row from it (who, channel, when, result).
struct AttemptOutcome {
  TimeMs started_at = 0;  // 0 = the marking time
  // The wait before the next attempt (the worker's jittered backoff); nullopt = BackoffAfter.
  std::optional<TimeMs> retry_after;
  // Enqueued in the same transaction when the message fails for good (a fallback channel).
  std::optional<OutboxMessage> fallback;
};

// NotificationAttempt is one stored delivery attempt.
struct NotificationAttempt {
  std::int64_t outbox_id = 0;
  std::string idempotency_key;
  std::int64_t attempt = 0;
  std::string recipient;  // the paged user, else the message's target
  std::string channel;
  std::string target;
  TimeMs started_at = 0;
  TimeMs finished_at = 0;
  std::string result;  // sent | retry | failed
  std::string error;
};

// MarkNotificationSent records delivery of a row `owner` holds the lease of (and, for a page, the
// page's delivered_at), with an audit record. FailedPrecondition when the lease was lost.
Status MarkNotificationSent(Database& database, std::int64_t id, const std::string& owner,
                            TimeMs now, const AttemptOutcome& outcome = {});

// MarkNotificationSentInTransaction is MarkNotificationSent inside the caller's transaction (for
// a message whose delivery is itself a database change, e.g. fanning out to child messages).
// REQUIRES: a transaction is open on `conn`.
Status MarkNotificationSentInTransaction(SqlConnection& conn, std::int64_t id,
                                         const std::string& owner, TimeMs now,
                                         const AttemptOutcome& outcome = {});

// MarkNotificationFailed records a failed attempt: back to pending with the policy's backoff, or
// failed for good once attempts reached max_attempts (then with an audit record, and the
// outcome's fallback enqueued). Returns the resulting state. FailedPrecondition when the lease
// was lost.
Result<OutboxState> MarkNotificationFailed(Database& database, std::int64_t id,
                                           const std::string& owner, const std::string& error,
                                           TimeMs now, const OutboxRetryPolicy& policy,
                                           const AttemptOutcome& outcome = {});

// CancelPendingPageNotifications cancels the incident's page messages that are still pending
// (delayed contact rules not yet due) inside the caller's transaction, with an audit record per
// message. Returns how many were cancelled.
// REQUIRES: a transaction is open on `conn`.
Result<std::int64_t> CancelPendingPageNotifications(SqlConnection& conn, std::int64_t incident_id,
                                                    const std::string& reason, TimeMs now);

// LastNotificationAt returns when the newest message whose idempotency key starts with
// `key_prefix` was enqueued, or nullopt when there is none (read inside the caller's
// transaction, for throttling).
Result<std::optional<TimeMs>> LastNotificationAt(SqlConnection& conn, const std::string& key_prefix);

// ListIncidentNotifications returns the incident's outbox rows, oldest first.
Result<std::vector<OutboxRow>> ListIncidentNotifications(Database& database,
                                                         std::int64_t incident_id);

// ListIncidentNotificationAttempts returns every delivery attempt of the incident's messages,
// oldest first.
Result<std::vector<NotificationAttempt>> ListIncidentNotificationAttempts(Database& database,
                                                                          std::int64_t incident_id);

// GetNotificationByKey returns the row with `idempotency_key`; NotFound when there is none.
Result<OutboxRow> GetNotificationByKey(Database& database, const std::string& idempotency_key);

}  // namespace vakt::storage
