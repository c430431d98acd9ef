#include "storage/sql_outbox.h"

#include <fmt/format.h>

#include <algorithm>

#include "storage/lease_claim.h"
#include "storage/sql_audit_append.h"
#include "storage/write_transaction.h"

namespace vakt::storage {
namespace {

constexpr const char* kOutboxColumns =
    "id, idempotency_key, channel, target, subject, payload, incident_id, page_key, state, "
    "attempts, next_attempt_at, lease_owner, lease_expires_at, last_error, created_at, sent_at";

Result<OutboxState> ParseOutboxState(const std::string& name) {
  if (name == "pending") return OutboxState::kPending;
  if (name == "sending") return OutboxState::kSending;
  if (name == "sent") return OutboxState::kSent;
  if (name == "failed") return OutboxState::kFailed;
  if (name == "cancelled") return OutboxState::kCancelled;
  return Status::Corruption("notification_outbox state \"" + name + "\"");
}

Result<OutboxRow> ReadOutboxRow(const SqlRow& row) {
  OutboxRow out;
  out.id = row.Int(0);
  out.message.idempotency_key = row.Text(1);
  out.message.channel = row.Text(2);
  out.message.target = row.Text(3);
  out.message.subject = row.Text(4);
  out.message.payload = row.Text(5);
  if (!row.IsNull(6)) out.message.incident_id = row.Int(6);
  out.message.page_key = row.Text(7);
  VAKT_ASSIGN_OR_RETURN(out.state, ParseOutboxState(row.Text(8)));
  out.attempts = row.Int(9);
  out.next_attempt_at = row.Int(10);
  out.lease_owner = row.Text(11);
  out.lease_expires_at = row.IsNull(12) ? 0 : row.Int(12);
  out.last_error = row.Text(13);
  out.created_at = row.Int(14);
  if (!row.IsNull(15)) out.sent_at = row.Int(15);
  return out;
}

Result<std::vector<OutboxRow>> ReadOutboxRows(const SqlRows& rows) {
  std::vector<OutboxRow> out;
  out.reserve(rows.size());
  for (const SqlRow& row : rows) {
    VAKT_ASSIGN_OR_RETURN(auto decoded, ReadOutboxRow(row));
    out.push_back(std::move(decoded));
  }
  return out;
}

audit::AuditEvent OutboxAudit(const std::string& action, const OutboxMessage& message,
                              nlohmann::json details) {
  audit::AuditEvent event;
  event.actor = "system:notify";
  event.action = action;
  event.subject = "notification/" + message.idempotency_key;
  details["channel"] = message.channel;
  details["target"] = message.target;
  if (message.incident_id) details["incident"] = "INC-" + std::to_string(*message.incident_id);
  event.details = std::move(details);
  return event;
}

// LeasedRow reads row `id` if `owner` holds its lease, inside the caller's transaction.
Result<OutboxRow> LeasedRow(SqlConnection& conn, std::int64_t id, const std::string& owner) {
  VAKT_ASSIGN_OR_RETURN(
      auto rows, conn.Query(fmt::format("SELECT {} FROM notification_outbox WHERE id = $1 AND "
                                        "state = 'sending' AND lease_owner = $2",
                                        kOutboxColumns),
                            {id, owner}));
  if (rows.empty()) {
    return Status::FailedPrecondition("notification " + std::to_string(id) +
                                      " is not leased to " + owner);
  }
  return ReadOutboxRow(rows[0]);
}

// RecordAttempt writes one notification_attempts row for the leased `row`, inside the caller's
// transaction. A page's recipient is the paged user, so the record says who was reached.
Status RecordAttempt(SqlConnection& conn, const OutboxRow& row, const AttemptOutcome& outcome,
                     TimeMs now, const std::string& result, const std::string& error) {
  std::string recipient = row.message.target;
  if (!row.message.page_key.empty()) {
    VAKT_ASSIGN_OR_RETURN(auto users, conn.Query("SELECT user_id FROM pages WHERE "
                                                 "idempotency_key = $1",
                                                 {row.message.page_key}));
    if (!users.empty()) recipient = "user:" + users[0].Text(0);
  }
  SqlValue incident = nullptr;
  if (row.message.incident_id) incident = *row.message.incident_id;
  return conn
      .Query(
          "INSERT INTO notification_attempts (outbox_id, incident_id, attempt, recipient, "
          "channel, target, started_at, finished_at, result, error) VALUES ($1, $2, $3, $4, "
          "$5, $6, $7, $8, $9, $10)",
          {row.id, incident, row.attempts, recipient, row.message.channel, row.message.target,
           outcome.started_at == 0 ? now : outcome.started_at, now, result, error})
      .status();
}

}  // namespace

const char* OutboxStateName(OutboxState state) {
  switch (state) {
    case OutboxState::kPending:
      return "pending";
    case OutboxState::kSending:
      return "sending";
    case OutboxState::kSent:
      return "sent";
    case OutboxState::kFailed:
      return "failed";
    case OutboxState::kCancelled:
      return "cancelled";
  }
  return "pending";
}

TimeMs BackoffAfter(std::int64_t failed_attempts, const OutboxRetryPolicy& policy) {
  TimeMs wait = policy.base_backoff;
  for (std::int64_t step = 1; step < failed_attempts && wait < policy.max_backoff; ++step) {
    wait *= 2;
  }
  return std::min(wait, policy.max_backoff);
}

Result<bool> EnqueueNotification(SqlConnection& conn, const OutboxMessage& message, TimeMs now) {
  if (message.idempotency_key.empty()) {
    return Status::InvalidArgument("notification idempotency_key is empty");
  }
  if (message.channel.empty()) return Status::InvalidArgument("notification channel is empty");
  if (message.target.empty()) return Status::InvalidArgument("notification target is empty");
  SqlValue incident = nullptr;
  if (message.incident_id) incident = *message.incident_id;
  SqlValue page_key = nullptr;
  if (!message.page_key.empty()) page_key = message.page_key;
  VAKT_ASSIGN_OR_RETURN(
      auto rows,
      conn.Query("INSERT INTO notification_outbox (idempotency_key, channel, target, subject, "
                 "payload, incident_id, page_key, state, attempts, next_attempt_at, last_error, "
                 "created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', 0, $8, '', $9) "
                 "ON CONFLICT (idempotency_key) DO NOTHING RETURNING id",
                 {message.idempotency_key, message.channel, message.target, message.subject,
                  message.payload, incident, page_key, std::max(now, message.not_before), now}));
  if (rows.empty()) return false;
  VAKT_RETURN_IF_ERROR(
      AppendAuditEvent(conn, OutboxAudit("notification.enqueue", message, {}), now).status());
  return true;
}

Result<std::vector<OutboxRow>> ClaimDueNotifications(Database& database, const std::string& owner,
                                                     TimeMs now, TimeMs lease, int limit,
                                                     const OutboxLane* lane) {
  LeaseClaim claim;
  claim.table = "notification_outbox";
  claim.columns = kOutboxColumns;
  claim.due_where =
      "((state = 'pending' AND next_attempt_at <= $1) OR "
      "(state = 'sending' AND lease_expires_at <= $1))";
  if (lane != nullptr && !lane->channels.empty()) {
    std::string list;
    for (const std::string& channel : lane->channels) {
      claim.extra.push_back(channel);
      list += (list.empty() ? "$" : ", $") + std::to_string(claim.extra.size() + 2);
    }
    claim.due_where += fmt::format(" AND channel {}IN ({})", lane->others ? "NOT " : "", list);
  }
  claim.order_by = "next_attempt_at, id";
  claim.also_set = "state = 'sending', attempts = attempts + 1";
  VAKT_ASSIGN_OR_RETURN(SqlRows rows, ClaimLeasedRows(database, claim, owner, now, lease, limit));
  VAKT_ASSIGN_OR_RETURN(auto claimed, ReadOutboxRows(rows));
  for (OutboxRow& row : claimed) {
    row.state = OutboxState::kSending;
    row.lease_owner = owner;
    row.lease_expires_at = now + lease;
    row.attempts += 1;
  }
  return claimed;
}

Status MarkNotificationSentInTransaction(SqlConnection& conn, std::int64_t id,
                                         const std::string& owner, TimeMs now,
                                         const AttemptOutcome& outcome) {
  VAKT_ASSIGN_OR_RETURN(OutboxRow row, LeasedRow(conn, id, owner));
  VAKT_RETURN_IF_ERROR(RecordAttempt(conn, row, outcome, now, "sent", ""));
  VAKT_RETURN_IF_ERROR(
      conn.Query("UPDATE notification_outbox SET state = 'sent', sent_at = $1, lease_owner = "
                 "NULL, lease_expires_at = NULL, last_error = '' WHERE id = $2",
                 {now, id})
          .status());
  if (!row.message.page_key.empty()) {
    VAKT_RETURN_IF_ERROR(conn.Query("UPDATE pages SET delivered_at = $1 WHERE "
                                    "idempotency_key = $2 AND delivered_at IS NULL",
                                    {now, row.message.page_key})
                             .status());
  }
  return AppendAuditEvent(conn,
                          OutboxAudit("notification.sent", row.message, {{"attempts", row.attempts}}),
                          now)
      .status();
}

Status MarkNotificationSent(Database& database, std::int64_t id, const std::string& owner,
                            TimeMs now, const AttemptOutcome& outcome) {
  return RunInWriteTransaction(database, [&](SqlConnection& conn) -> Status {
    VAKT_RETURN_IF_ERROR(MarkNotificationSentInTransaction(conn, id, owner, now, outcome));
    return Status::Ok();
  });
}

Result<OutboxState> MarkNotificationFailed(Database& database, std::int64_t id,
                                           const std::string& owner, const std::string& error,
                                           TimeMs now, const OutboxRetryPolicy& policy,
                                           const AttemptOutcome& outcome) {
  OutboxState result = OutboxState::kPending;
  Status status = RunInWriteTransaction(database, [&](SqlConnection& conn) -> Status {
    VAKT_ASSIGN_OR_RETURN(OutboxRow row, LeasedRow(conn, id, owner));
    std::string last_error = error.substr(0, 1000);
    if (row.attempts >= policy.max_attempts) {
      result = OutboxState::kFailed;
      VAKT_RETURN_IF_ERROR(RecordAttempt(conn, row, outcome, now, "failed", last_error));
      if (outcome.fallback) {
        VAKT_RETURN_IF_ERROR(EnqueueNotification(conn, *outcome.fallback, now).status());
      }
      VAKT_RETURN_IF_ERROR(
          conn.Query("UPDATE notification_outbox SET state = 'failed', lease_owner = NULL, "
                     "lease_expires_at = NULL, last_error = $1 WHERE id = $2",
                     {last_error, id})
              .status());
      VAKT_RETURN_IF_ERROR(
          AppendAuditEvent(conn,
                           OutboxAudit("notification.failed", row.message,
                                       {{"attempts", row.attempts}, {"error", last_error}}),
                           now)
              .status());
    } else {
      result = OutboxState::kPending;
      VAKT_RETURN_IF_ERROR(RecordAttempt(conn, row, outcome, now, "retry", last_error));
      const TimeMs wait = outcome.retry_after.value_or(BackoffAfter(row.attempts, policy));
      VAKT_RETURN_IF_ERROR(
          conn.Query("UPDATE notification_outbox SET state = 'pending', lease_owner = NULL, "
                     "lease_expires_at = NULL, last_error = $1, next_attempt_at = $2 "
                     "WHERE id = $3",
                     {last_error, now + wait, id})
              .status());
    }
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return result;
}

Result<std::int64_t> CancelPendingPageNotifications(SqlConnection& conn, std::int64_t incident_id,
                                                    const std::string& reason, TimeMs now) {
  VAKT_ASSIGN_OR_RETURN(
      auto rows,
      conn.Query(fmt::format("UPDATE notification_outbox SET state = 'cancelled', last_error = $1 "
                             "WHERE incident_id = $2 AND state = 'pending' AND page_key IS NOT "
                             "NULL RETURNING {}",
                             kOutboxColumns),
                 {reason, incident_id}));
  VAKT_ASSIGN_OR_RETURN(auto cancelled, ReadOutboxRows(rows));
  for (const OutboxRow& row : cancelled) {
    VAKT_RETURN_IF_ERROR(
        AppendAuditEvent(conn, OutboxAudit("notification.cancel", row.message, {{"reason", reason}}),
                         now)
            .status());
  }
  return static_cast<std::int64_t>(cancelled.size());
}

Result<std::optional<TimeMs>> LastNotificationAt(SqlConnection& conn,
                                                 const std::string& key_prefix) {
  // Prefix match without LIKE wildcards: keys may contain % or _.
  VAKT_ASSIGN_OR_RETURN(
      auto rows, conn.Query("SELECT MAX(created_at) FROM notification_outbox WHERE "
                            "substr(idempotency_key, 1, $1) = $2",
                            {static_cast<std::int64_t>(key_prefix.size()), key_prefix}));
  if (rows.empty() || rows[0].IsNull(0)) return std::optional<TimeMs>();
  return std::optional<TimeMs>(rows[0].Int(0));
}

Result<std::vector<OutboxRow>> ListIncidentNotifications(Database& database,
                                                         std::int64_t incident_id) {
  std::vector<OutboxRow> rows_out;
  Status status = database.RunRead([&](SqlConnection& conn) -> Status {
    VAKT_ASSIGN_OR_RETURN(
        auto rows, conn.Query(fmt::format("SELECT {} FROM notification_outbox WHERE "
                                          "incident_id = $1 ORDER BY id",
                                          kOutboxColumns),
                              {incident_id}));
    VAKT_ASSIGN_OR_RETURN(rows_out, ReadOutboxRows(rows));
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return rows_out;
}

Result<std::vector<NotificationAttempt>> ListIncidentNotificationAttempts(
    Database& database, std::int64_t incident_id) {
  std::vector<NotificationAttempt> out;
  Status status = database.RunRead([&](SqlConnection& conn) -> Status {
    VAKT_ASSIGN_OR_RETURN(
        auto rows,
        conn.Query("SELECT a.outbox_id, o.idempotency_key, a.attempt, a.recipient, a.channel, "
                   "a.target, a.started_at, a.finished_at, a.result, a.error FROM "
                   "notification_attempts a JOIN notification_outbox o ON o.id = a.outbox_id "
                   "WHERE a.incident_id = $1 ORDER BY a.id",
                   {incident_id}));
    for (const SqlRow& row : rows) {
      out.push_back({row.Int(0), row.Text(1), row.Int(2), row.Text(3), row.Text(4), row.Text(5),
                     row.Int(6), row.Int(7), row.Text(8), row.Text(9)});
    }
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return out;
}

Result<OutboxRow> GetNotificationByKey(Database& database, const std::string& idempotency_key) {
  Result<OutboxRow> found = Status::NotFound("no notification " + idempotency_key);
  Status status = database.RunRead([&](SqlConnection& conn) -> Status {
    VAKT_ASSIGN_OR_RETURN(
        auto rows,
        conn.Query(fmt::format("SELECT {} FROM notification_outbox WHERE idempotency_key = $1",
                               kOutboxColumns),
                   {idempotency_key}));
    if (!rows.empty()) found = ReadOutboxRow(rows[0]);
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return found;
}

}  // namespace vakt::storage
