#include "storage/sql_escalation_timer_store.h"

#include <fmt/format.h>

#include "storage/lease_claim.h"
#include "storage/sql_audit_append.h"

namespace vakt::storage {
namespace {

constexpr const char* kTimerColumns =
    "id, incident_id, policy_id, state, due_at, lease_owner, lease_expires_at, version, "
    "created_at, updated_at";

EscalationTimer ReadTimer(const SqlRow& row) {
  EscalationTimer timer;
  timer.id = row.Int(0);
  timer.incident_id = row.Int(1);
  timer.policy_id = row.Text(2);
  timer.state = row.Text(3);
  if (!row.IsNull(4)) timer.due_at = row.Int(4);
  timer.lease_owner = row.Text(5);
  timer.lease_expires_at = row.IsNull(6) ? 0 : row.Int(6);
  timer.version = row.Int(7);
  timer.created_at = row.Int(8);
  timer.updated_at = row.Int(9);
  return timer;
}

std::vector<EscalationTimer> ReadTimers(const SqlRows& rows) {
  std::vector<EscalationTimer> timers;
  timers.reserve(rows.size());
  for (const SqlRow& row : rows) timers.push_back(ReadTimer(row));
  return timers;
}

SqlValue OptionalTime(std::optional<TimeMs> time) {
  if (time) return *time;
  return nullptr;
}

}  // namespace

Result<bool> ArmEscalationTimer(SqlConnection& conn, std::int64_t incident_id,
                                const std::string& policy_id, const std::string& state,
                                std::optional<TimeMs> due_at, TimeMs now) {
  VAKT_ASSIGN_OR_RETURN(
      auto rows,
      conn.Query("INSERT INTO escalation_timers (incident_id, policy_id, state, due_at, version, "
                 "created_at, updated_at) VALUES ($1, $2, $3, $4, 1, $5, $5) "
                 "ON CONFLICT (incident_id, policy_id) DO NOTHING RETURNING id",
                 {incident_id, policy_id, state, OptionalTime(due_at), now}));
  if (rows.empty()) return false;
  audit::AuditEvent event;
  event.actor = "system:escalation";
  event.action = "escalation.arm";
  event.subject = "incident/INC-" + std::to_string(incident_id);
  event.details = {{"policy", policy_id}};
  if (due_at) event.details["due_at"] = *due_at;
  VAKT_RETURN_IF_ERROR(AppendAuditEvent(conn, event, now).status());
  return true;
}

Result<std::vector<EscalationTimer>> ClaimDueEscalationTimers(Database& database,
                                                              const std::string& owner,
                                                              TimeMs now, TimeMs lease, int limit) {
  LeaseClaim claim;
  claim.table = "escalation_timers";
  claim.columns = kTimerColumns;
  claim.due_where = "due_at <= $1 AND (lease_owner IS NULL OR lease_expires_at <= $1)";
  claim.order_by = "due_at, id";
  VAKT_ASSIGN_OR_RETURN(SqlRows rows, ClaimLeasedRows(database, claim, owner, now, lease, limit));
  std::vector<EscalationTimer> claimed = ReadTimers(rows);
  for (EscalationTimer& timer : claimed) {
    timer.lease_owner = owner;
    timer.lease_expires_at = now + lease;
  }
  return claimed;
}

Status SaveEscalationTimer(SqlConnection& conn, const EscalationTimer& timer, TimeMs now) {
  VAKT_ASSIGN_OR_RETURN(
      auto rows,
      conn.Query("UPDATE escalation_timers SET state = $1, due_at = $2, version = version + 1, "
                 "lease_owner = NULL, lease_expires_at = NULL, updated_at = $3 "
                 "WHERE id = $4 AND version = $5 RETURNING id",
                 {timer.state, OptionalTime(timer.due_at), now, timer.id, timer.version}));
  if (rows.empty()) {
    return Status::FailedPrecondition("escalation timer " + std::to_string(timer.id) +
                                      " changed since version " + std::to_string(timer.version));
  }
  return Status::Ok();
}

Result<EscalationTimer> GetEscalationTimer(SqlConnection& conn, std::int64_t incident_id,
                                           const std::string& policy_id) {
  VAKT_ASSIGN_OR_RETURN(
      auto rows, conn.Query(fmt::format("SELECT {} FROM escalation_timers WHERE incident_id = $1 "
                                        "AND policy_id = $2",
                                        kTimerColumns),
                            {incident_id, policy_id}));
  if (rows.empty()) {
    return Status::NotFound("no escalation timer for INC-" + std::to_string(incident_id) +
                            " and policy " + policy_id);
  }
  return ReadTimer(rows[0]);
}

Result<std::vector<EscalationTimer>> ListIncidentEscalationTimers(Database& database,
                                                                  std::int64_t incident_id) {
  std::vector<EscalationTimer> timers;
  Status status = database.RunRead([&](SqlConnection& conn) -> Status {
    VAKT_ASSIGN_OR_RETURN(
        auto rows,
        conn.Query(fmt::format("SELECT {} FROM escalation_timers WHERE incident_id = $1 ORDER BY id",
                               kTimerColumns),
                   {incident_id}));
    timers = ReadTimers(rows);
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return timers;
}

Result<std::vector<EscalationTimer>> ListArmedTimersOfStoppedIncidents(Database& database,
                                                                       int limit) {
  std::vector<EscalationTimer> timers;
  Status status = database.RunRead([&](SqlConnection& conn) -> Status {
    VAKT_ASSIGN_OR_RETURN(
        auto rows,
        conn.Query(fmt::format("SELECT t.id, t.incident_id, t.policy_id, t.state, t.due_at, "
                               "t.lease_owner, t.lease_expires_at, t.version, t.created_at, "
                               "t.updated_at FROM escalation_timers t JOIN incidents i ON "
                               "i.id = t.incident_id WHERE t.due_at IS NOT NULL AND "
                               "i.state <> 'triggered' ORDER BY t.id LIMIT $1"),
                   {std::int64_t{limit}}));
    timers = ReadTimers(rows);
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return timers;
}

Result<std::vector<std::int64_t>> ListIncidentsAwaitingEscalation(Database& database, int limit) {
  std::vector<std::int64_t> ids;
  Status status = database.RunRead([&](SqlConnection& conn) -> Status {
    VAKT_ASSIGN_OR_RETURN(
        auto rows, conn.Query("SELECT i.id FROM incidents i WHERE i.state = 'triggered' AND NOT "
                              "EXISTS (SELECT 1 FROM escalation_timers t WHERE t.incident_id = "
                              "i.id) ORDER BY i.id LIMIT $1",
                              {std::int64_t{limit}}));
    for (const SqlRow& row : rows) ids.push_back(row.Int(0));
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return ids;
}

}  // namespace vakt::storage
