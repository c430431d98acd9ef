#include "drill/drill_schedule_store.h"

#include <fmt/format.h>

#include "storage/sql_audit_append.h"
#include "storage/write_transaction.h"

namespace vakt::drill {
namespace {

using storage::SqlConnection;
using storage::SqlRow;

constexpr const char* kColumns =
    "id, runbook_id, scenario, every, weekday, time_of_day, time_zone, next_run_at, "
    "last_incident_id, created_by, created_at, active";

DrillSchedule ReadSchedule(const SqlRow& row, size_t at = 0) {
  DrillSchedule schedule;
  schedule.id = row.Int(at + 0);
  schedule.runbook_id = row.Text(at + 1);
  schedule.scenario = row.Text(at + 2);
  schedule.every = row.Text(at + 3);
  schedule.weekday = row.Int(at + 4);
  schedule.time_of_day = row.Text(at + 5);
  schedule.time_zone = row.Text(at + 6);
  schedule.next_run_at = row.Int(at + 7);
  schedule.last_incident_id = row.Int(at + 8);
  schedule.created_by = row.Text(at + 9);
  schedule.created_at = row.Int(at + 10);
  schedule.active = row.Int(at + 11) != 0;
  return schedule;
}

Status Audit(SqlConnection& conn, const std::string& actor, const std::string& action,
             const DrillSchedule& schedule, nlohmann::json details, TimeMs now) {
  audit::AuditEvent event;
  event.actor = actor;
  event.action = action;
  event.subject = "runbook/" + schedule.runbook_id;
  details["schedule_id"] = schedule.id;
  event.details = std::move(details);
  return storage::AppendAuditEvent(conn, event, now).status();
}

Status NoSchedule(std::int64_t id) {
  return Status::NotFound("no drill schedule " + std::to_string(id));
}

}  // namespace

Result<DrillSchedule> DrillScheduleStore::Create(const DrillSchedule& schedule, TimeMs now) {
  DrillSchedule created = schedule;
  created.created_at = now;
  created.active = true;
  created.last_incident_id = 0;
  Status status = storage::RunInWriteTransaction(database_, [&](SqlConnection& conn) -> Status {
    VAKT_ASSIGN_OR_RETURN(
        auto rows,
        conn.Query("INSERT INTO drill_schedules (runbook_id, scenario, every, weekday, "
                   "time_of_day, time_zone, next_run_at, last_incident_id, created_by, "
                   "created_at, active) VALUES ($1, $2, $3, $4, $5, $6, $7, 0, $8, $9, 1) "
                   "RETURNING id",
                   {created.runbook_id, created.scenario, created.every, created.weekday,
                    created.time_of_day, created.time_zone, created.next_run_at, created.created_by,
                    now}));
    created.id = rows.at(0).Int(0);
    nlohmann::json details = {{"scenario", created.scenario},
                              {"every", created.every},
                              {"time_of_day", created.time_of_day},
                              {"time_zone", created.time_zone},
                              {"next_run_at", created.next_run_at}};
    if (created.every == "weekly") details["weekday"] = created.weekday;
    return Audit(conn, created.created_by, "drill.schedule_create", created, std::move(details),
                 now);
  });
  if (!status.ok()) return status;
  return created;
}

Result<std::vector<DrillSchedule>> DrillScheduleStore::List(bool include_deleted) {
  std::vector<DrillSchedule> schedules;
  Status status = database_.RunRead([&](SqlConnection& conn) -> Status {
    VAKT_ASSIGN_OR_RETURN(
        auto rows, conn.Query(fmt::format("SELECT {} FROM drill_schedules{} ORDER BY id", kColumns,
                                          include_deleted ? "" : " WHERE active = 1"),
                              {}));
    for (const SqlRow& row : rows) schedules.push_back(ReadSchedule(row));
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return schedules;
}

Result<DrillSchedule> DrillScheduleStore::Get(std::int64_t id) {
  Result<DrillSchedule> found = NoSchedule(id);
  Status status = database_.RunRead([&](SqlConnection& conn) -> Status {
    VAKT_ASSIGN_OR_RETURN(
        auto rows,
        conn.Query(fmt::format("SELECT {} FROM drill_schedules WHERE id = $1", kColumns), {id}));
    if (!rows.empty()) found = ReadSchedule(rows[0]);
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return found;
}

Status DrillScheduleStore::Delete(std::int64_t id, const std::string& actor, TimeMs now) {
  return storage::RunInWriteTransaction(database_, [&](SqlConnection& conn) -> Status {
    VAKT_ASSIGN_OR_RETURN(
        auto rows, conn.Query(fmt::format("UPDATE drill_schedules SET active = 0 WHERE id = $1 AND "
                                          "active = 1 RETURNING {}",
                                          kColumns),
                              {id}));
    if (rows.empty()) return NoSchedule(id);
    return Audit(conn, actor, "drill.schedule_delete", ReadSchedule(rows[0]),
                 nlohmann::json::object(), now);
  });
}

Result<std::vector<ScheduleRun>> DrillScheduleStore::ClaimDue(const std::string& owner, TimeMs now,
                                                              TimeMs lease, int limit) {
  std::vector<ScheduleRun> claimed;
  Status status = storage::RunInWriteTransaction(database_, [&](SqlConnection& conn) -> Status {
    claimed.clear();
    // PostgreSQL: a schedule another instance is claiming right now is skipped, not waited for.
    // The run's primary key, not this lock, is what makes the claim unique.
    const char* lock = conn.Engine() == "postgres" ? " FOR UPDATE SKIP LOCKED" : "";
    VAKT_ASSIGN_OR_RETURN(
        auto rows, conn.Query(fmt::format("SELECT {} FROM drill_schedules WHERE active = 1 AND "
                                          "next_run_at <= $1 ORDER BY next_run_at, id LIMIT $2{}",
                                          kColumns, lock),
                              {now, std::int64_t{limit}}));
    for (const SqlRow& row : rows) {
      ScheduleRun run{ReadSchedule(row), 0, owner};
      run.due_at = run.schedule.next_run_at;
      VAKT_ASSIGN_OR_RETURN(
          auto inserted,
          conn.Query("INSERT INTO drill_schedule_runs (schedule_id, due_at, claimed_by, "
                     "claimed_until, incident_id, started_at) VALUES ($1, $2, $3, $4, 0, 0) "
                     "ON CONFLICT (schedule_id, due_at) DO NOTHING RETURNING schedule_id",
                     {run.schedule.id, run.due_at, owner, now + lease}));
      if (inserted.empty()) {
        // Someone claimed it before: take it over only if their lease ran out unfinished.
        VAKT_ASSIGN_OR_RETURN(
            inserted,
            conn.Query("UPDATE drill_schedule_runs SET claimed_by = $1, claimed_until = $2 WHERE "
                       "schedule_id = $3 AND due_at = $4 AND incident_id = 0 AND claimed_until <= "
                       "$5 RETURNING schedule_id",
                       {owner, now + lease, run.schedule.id, run.due_at, now}));
      }
      if (!inserted.empty()) claimed.push_back(std::move(run));
    }
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return claimed;
}

Status DrillScheduleStore::Finish(const ScheduleRun& run, std::int64_t incident_id,
                                  TimeMs next_run_at, const std::string& reason, TimeMs now) {
  return storage::RunInWriteTransaction(database_, [&](SqlConnection& conn) -> Status {
    VAKT_ASSIGN_OR_RETURN(
        auto rows,
        conn.Query("UPDATE drill_schedule_runs SET incident_id = $1, started_at = $2 WHERE "
                   "schedule_id = $3 AND due_at = $4 AND claimed_by = $5 AND incident_id = 0 "
                   "RETURNING schedule_id",
                   {incident_id, now, run.schedule.id, run.due_at, run.owner}));
    if (rows.empty()) {
      return Status::FailedPrecondition(
          fmt::format("drill schedule {} run at {} is no longer claimed by {}", run.schedule.id,
                      run.due_at, run.owner));
    }
    // The schedule may have been deleted meanwhile; its next_run_at still moves on, harmlessly.
    if (incident_id > 0) {
      VAKT_RETURN_IF_ERROR(conn.Query("UPDATE drill_schedules SET next_run_at = $1, "
                                      "last_incident_id = $2 WHERE id = $3 AND next_run_at = $4",
                                      {next_run_at, incident_id, run.schedule.id, run.due_at})
                               .status());
    } else {
      VAKT_RETURN_IF_ERROR(conn.Query("UPDATE drill_schedules SET next_run_at = $1 WHERE id = $2 "
                                      "AND next_run_at = $3",
                                      {next_run_at, run.schedule.id, run.due_at})
                               .status());
    }
    nlohmann::json details = {
        {"due_at", run.due_at}, {"next_run_at", next_run_at}, {"instance", run.owner}};
    if (incident_id > 0) {
      details["incident"] = "INC-" + std::to_string(incident_id);
    } else {
      details["skipped"] = reason;
    }
    return Audit(conn, "system:drill-scheduler",
                 incident_id > 0 ? "drill.schedule_run" : "drill.schedule_skip", run.schedule,
                 std::move(details), now);
  });
}

Result<std::optional<std::int64_t>> DrillScheduleStore::FindIncidentByGroupKey(
    const std::string& group_key) {
  std::optional<std::int64_t> found;
  Status status = database_.RunRead([&](SqlConnection& conn) -> Status {
    VAKT_ASSIGN_OR_RETURN(
        auto rows, conn.Query("SELECT id FROM incidents WHERE group_key = $1 ORDER BY id LIMIT 1",
                              {group_key}));
    if (!rows.empty()) found = rows[0].Int(0);
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return found;
}

Result<bool> DrillScheduleStore::HasDrillRecord(std::int64_t incident_id) {
  bool found = false;
  Status status = database_.RunRead([&](SqlConnection& conn) -> Status {
    VAKT_ASSIGN_OR_RETURN(auto rows,
                          conn.Query("SELECT 1 FROM drills WHERE incident_id = $1", {incident_id}));
    found = !rows.empty();
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return found;
}

}  // namespace vakt::drill
