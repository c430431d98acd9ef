#include "storage/sql_drill_store.h"

#include "storage/sql_audit_append.h"
#include "storage/write_transaction.h"

namespace vakt::storage {

Status SqlDrillStore::RecordDrill(const DrillRecord& drill, TimeMs now) {
  return RunInWriteTransaction(database_, [&](SqlConnection& conn) -> Status {
    VAKT_RETURN_IF_ERROR(conn.Query("INSERT INTO drills (incident_id, runbook_id, scenario, "
                                    "schedule_id, started_by, started_at) VALUES ($1, $2, $3, $4, "
                                    "$5, $6)",
                                    {drill.incident_id, drill.runbook_id, drill.scenario,
                                     drill.schedule_id, drill.started_by, now})
                             .status());
    audit::AuditEvent event;
    event.actor = drill.started_by.empty() ? "system" : drill.started_by;
    event.action = "drill.start";
    event.subject = "incident/INC-" + std::to_string(drill.incident_id);
    event.details = {{"runbook_id", drill.runbook_id},
                     {"scenario", drill.scenario},
                     {"schedule_id", drill.schedule_id}};
    VAKT_RETURN_IF_ERROR(AppendAuditEvent(conn, event, now).status());
    return Status::Ok();
  });
}

Result<std::vector<DrillRecord>> SqlDrillStore::ListDrills(TimeMs since, size_t limit) {
  std::vector<DrillRecord> drills;
  Status status = database_.RunRead([&](SqlConnection& conn) -> Status {
    // Step ids are stored as "INC-<id>"; counted per drill in one pass.
    VAKT_ASSIGN_OR_RETURN(
        auto rows,
        conn.Query("SELECT d.incident_id, d.runbook_id, d.scenario, d.schedule_id, d.started_by, "
                   "d.started_at, i.state, i.acknowledged_at, i.mitigated_at, i.resolved_at, "
                   "(SELECT COUNT(*) FROM incident_steps s WHERE s.incident_id = 'INC-' || "
                   "CAST(d.incident_id AS TEXT) AND s.state = 'skipped'), "
                   "(SELECT COUNT(*) FROM incident_steps s WHERE s.incident_id = 'INC-' || "
                   "CAST(d.incident_id AS TEXT) AND s.state IN ('failed', 'timed_out')) "
                   "FROM drills d JOIN incidents i ON i.id = d.incident_id WHERE d.started_at >= "
                   "$1 ORDER BY d.incident_id DESC LIMIT $2",
                   {since, static_cast<std::int64_t>(limit)}));
    for (const SqlRow& row : rows) {
      DrillRecord drill;
      drill.incident_id = row.Int(0);
      drill.runbook_id = row.Text(1);
      drill.scenario = row.Text(2);
      drill.schedule_id = row.Int(3);
      drill.started_by = row.Text(4);
      drill.started_at = row.Int(5);
      drill.state = row.Text(6);
      drill.acknowledged_at = row.Int(7);
      drill.mitigated_at = row.Int(8);
      drill.resolved_at = row.Int(9);
      drill.steps_skipped = row.Int(10);
      drill.steps_failed = row.Int(11);
      drills.push_back(std::move(drill));
    }
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return drills;
}

Result<std::vector<ResponseRecord>> SqlDrillStore::ListResponses(TimeMs since, size_t limit) {
  std::vector<ResponseRecord> records;
  Status status = database_.RunRead([&](SqlConnection& conn) -> Status {
    VAKT_ASSIGN_OR_RETURN(
        auto rows,
        conn.Query("SELECT id, pipeline, runbook_id, severity, drill, created_at, "
                   "acknowledged_at, mitigated_at, resolved_at FROM incidents WHERE created_at >= "
                   "$1 ORDER BY id LIMIT $2",
                   {since, static_cast<std::int64_t>(limit)}));
    for (const SqlRow& row : rows) {
      records.push_back({row.Int(0), row.Text(1), row.Text(2), row.Text(3), row.Int(4) != 0,
                         row.Int(5), row.Int(6), row.Int(7), row.Int(8)});
    }
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return records;
}

Result<std::vector<StepOutcome>> SqlDrillStore::ListStepOutcomes(TimeMs since, size_t limit) {
  std::vector<StepOutcome> outcomes;
  Status status = database_.RunRead([&](SqlConnection& conn) -> Status {
    VAKT_ASSIGN_OR_RETURN(
        auto rows,
        conn.Query("SELECT i.id, i.runbook_id, s.step_id, s.state, s.requested_at, s.updated_at, "
                   "i.drill FROM incident_steps s JOIN incidents i ON s.incident_id = 'INC-' || "
                   "CAST(i.id AS TEXT) WHERE i.created_at >= $1 ORDER BY i.id, s.step_id LIMIT $2",
                   {since, static_cast<std::int64_t>(limit)}));
    for (const SqlRow& row : rows) {
      outcomes.push_back({row.Int(0), row.Text(1), row.Text(2), row.Text(3), row.Int(4),
                          row.Int(5), row.Int(6) != 0});
    }
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return outcomes;
}

}  // namespace vakt::storage
