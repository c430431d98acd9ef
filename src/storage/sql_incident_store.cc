#include "storage/sql_incident_store.h"

#include <fmt/format.h>

#include "storage/alert_codec.h"
#include "storage/sql_audit_append.h"
#include "storage/sql_incident_event.h"
#include "storage/write_transaction.h"

namespace vakt::storage {
namespace {

constexpr const char* kOpenStates = "('triggered','acknowledged','mitigated')";

constexpr const char* kIncidentColumns =
    "id, version, title, severity, state, group_key, group_labels, runbook_id, runbook_version, "
    "runbook_hash, pipeline, assignee, drill, created_at, updated_at, acknowledged_at, "
    "mitigated_at, resolved_at, closed_at, context";

constexpr const char* kJoinedAlertColumns =
    "a.fingerprint, a.labels, a.annotations, a.starts_at, a.ends_at, a.updated_at, "
    "a.generator_url, a.source, a.dedup_key";

Result<Incident> ReadIncident(const SqlRow& row) {
  Incident incident;
  incident.id = row.Int(0);
  incident.version = row.Int(1);
  incident.title = row.Text(2);
  incident.severity = row.Text(3);
  auto state = ParseIncidentState(row.Text(4));
  if (!state)
    return Status::Corruption("incident " + std::to_string(incident.id) + " has state \"" +
                              row.Text(4) + "\"");
  incident.state = *state;
  incident.group_key = row.Text(5);
  VAKT_ASSIGN_OR_RETURN(incident.group_labels, DecodeLabels(row.Text(6)));
  incident.runbook_id = row.Text(7);
  incident.runbook_version = row.Text(8);
  incident.runbook_hash = row.Text(9);
  incident.pipeline = row.Text(10);
  incident.assignee = row.Text(11);
  incident.drill = row.Int(12) != 0;
  incident.created_at = row.Int(13);
  incident.updated_at = row.Int(14);
  incident.acknowledged_at = row.Int(15);
  incident.mitigated_at = row.Int(16);
  incident.resolved_at = row.Int(17);
  incident.closed_at = row.Int(18);
  try {
    incident.context = nlohmann::json::parse(row.Text(19));
  } catch (const std::exception& error) {
    return Status::Corruption("incident context is not JSON: " + std::string(error.what()));
  }
  return incident;
}

Result<Alert> ReadAlertRow(const SqlRow& row) {
  return DecodeAlert({row.Int(0), row.Text(1), row.Text(2), row.Int(3), row.Int(4), row.Int(5),
                      row.Text(6), row.Text(7), row.Text(8)});
}

std::vector<SqlValue> IncidentValues(const Incident& incident) {
  return {incident.title,
          incident.severity,
          std::string(IncidentStateName(incident.state)),
          incident.group_key,
          EncodeLabels(incident.group_labels),
          incident.runbook_id,
          incident.runbook_version,
          incident.runbook_hash,
          incident.pipeline,
          incident.assignee,
          std::int64_t{incident.drill ? 1 : 0},
          incident.created_at,
          incident.updated_at,
          incident.acknowledged_at,
          incident.mitigated_at,
          incident.resolved_at,
          incident.closed_at,
          incident.context.dump()};
}

// AuditOf describes an incident event as an audit record: every lifecycle change, assignment
// and note is in the tamper-evident log, written in the same transaction as the event row.
audit::AuditEvent AuditOf(const IncidentEvent& event) {
  audit::AuditEvent record;
  record.actor = event.actor.empty() ? "system" : event.actor;
  record.action = "incident." + event.kind;
  record.subject = "incident/INC-" + std::to_string(event.incident_id);
  record.details = {{"from", event.from_state},
                    {"to", event.to_state},
                    {"reason", event.reason},
                    {"details", AuditSafeDetails(event.details)}};
  return record;
}

Result<std::vector<std::uint64_t>> Attach(SqlConnection& conn, std::int64_t incident_id,
                                          const std::vector<std::uint64_t>& fingerprints,
                                          TimeMs now) {
  std::vector<std::uint64_t> added;
  for (std::uint64_t fingerprint : fingerprints) {
    VAKT_ASSIGN_OR_RETURN(
        auto rows,
        conn.Query("INSERT INTO incident_alerts (incident_id, fingerprint, attached_at) "
                   "VALUES ($1, $2, $3) ON CONFLICT (incident_id, fingerprint) DO NOTHING "
                   "RETURNING fingerprint",
                   {incident_id, static_cast<std::int64_t>(FingerprintToSql(fingerprint)), now}));
    if (!rows.empty()) added.push_back(fingerprint);
  }
  return added;
}

}  // namespace

Status InsertIncidentEvent(SqlConnection& conn, const IncidentEvent& event) {
  VAKT_RETURN_IF_ERROR(
      conn.Query("INSERT INTO incident_events (incident_id, time, actor, kind, from_state, "
                 "to_state, reason, details) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                 {event.incident_id, event.time, event.actor, event.kind, event.from_state,
                  event.to_state, event.reason, event.details.dump()})
          .status());
  return AppendAuditEvent(conn, AuditOf(event), event.time).status();
}

Result<Incident> SqlIncidentStore::CreateIncident(const Incident& draft,
                                                  const std::vector<std::uint64_t>& fingerprints,
                                                  const IncidentEvent& opened) {
  Incident created = draft;
  Status status = RunInWriteTransaction(database_, [&](SqlConnection& conn) -> Status {
    std::vector<SqlValue> values = IncidentValues(draft);
    VAKT_ASSIGN_OR_RETURN(
        auto rows,
        conn.Query(
            "INSERT INTO incidents (version, title, severity, state, group_key, group_labels, "
            "runbook_id, runbook_version, runbook_hash, pipeline, assignee, drill, "
            "created_at, updated_at, acknowledged_at, mitigated_at, resolved_at, closed_at, "
            "context) VALUES (1, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, "
            "$14, $15, $16, $17, $18) RETURNING id",
            values));
    created.id = rows.at(0).Int(0);
    created.version = 1;
    IncidentEvent event = opened;
    event.incident_id = created.id;
    VAKT_RETURN_IF_ERROR(InsertIncidentEvent(conn, event));
    VAKT_ASSIGN_OR_RETURN(auto added, Attach(conn, created.id, fingerprints, draft.created_at));
    (void)added;
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return created;
}

Result<std::vector<std::uint64_t>> SqlIncidentStore::AttachAlerts(
    std::int64_t incident_id, const std::vector<std::uint64_t>& fingerprints, TimeMs now) {
  std::vector<std::uint64_t> added;
  Status status = RunInWriteTransaction(database_, [&](SqlConnection& conn) -> Status {
    VAKT_ASSIGN_OR_RETURN(added, Attach(conn, incident_id, fingerprints, now));
    for (std::uint64_t fingerprint : added) {
      IncidentEvent event;
      event.incident_id = incident_id;
      event.time = now;
      event.actor = "vakt";
      event.kind = "alert_added";
      event.details = {{"fingerprint", FingerprintHex(fingerprint)}};
      VAKT_RETURN_IF_ERROR(InsertIncidentEvent(conn, event));
    }
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return added;
}

Result<Incident> SqlIncidentStore::FindOpenByGroupKey(const std::string& group_key) {
  Result<Incident> found = Status::NotFound("no open incident for group " + group_key);
  Status status = database_.RunRead([&](SqlConnection& conn) -> Status {
    VAKT_ASSIGN_OR_RETURN(
        auto rows, conn.Query(fmt::format("SELECT {} FROM incidents WHERE group_key = $1 AND "
                                          "state IN {} ORDER BY id DESC LIMIT 1",
                                          kIncidentColumns, kOpenStates),
                              {group_key}));
    if (!rows.empty()) found = ReadIncident(rows[0]);
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return found;
}

Result<Incident> SqlIncidentStore::GetIncident(std::int64_t id) {
  Result<Incident> found = Status::NotFound("no incident INC-" + std::to_string(id));
  Status status = database_.RunRead([&](SqlConnection& conn) -> Status {
    VAKT_ASSIGN_OR_RETURN(
        auto rows,
        conn.Query(fmt::format("SELECT {} FROM incidents WHERE id = $1", kIncidentColumns), {id}));
    if (!rows.empty()) found = ReadIncident(rows[0]);
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return found;
}

Result<std::vector<Incident>> SqlIncidentStore::ListIncidents(const IncidentQuery& query) {
  std::string where = "1 = 1";
  std::vector<SqlValue> params;
  auto add = [&](const std::string& clause, SqlValue value) {
    params.push_back(std::move(value));
    where += fmt::format(" AND {} ${}", clause, params.size());
  };
  if (query.state) add("state =", std::string(IncidentStateName(*query.state)));
  if (query.open_only) where += fmt::format(" AND state IN {}", kOpenStates);
  if (!query.pipeline.empty()) add("pipeline =", query.pipeline);
  if (!query.runbook_id.empty()) add("runbook_id =", query.runbook_id);
  if (query.before_id > 0) add("id <", query.before_id);
  std::vector<Incident> incidents;
  Status status = database_.RunRead([&](SqlConnection& conn) -> Status {
    VAKT_ASSIGN_OR_RETURN(auto rows,
                          conn.Query(fmt::format("SELECT {} FROM incidents WHERE {} ORDER BY id "
                                                 "DESC LIMIT {}",
                                                 kIncidentColumns, where, query.limit),
                                     params));
    for (const auto& row : rows) {
      VAKT_ASSIGN_OR_RETURN(Incident incident, ReadIncident(row));
      incidents.push_back(std::move(incident));
    }
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return incidents;
}

Status SqlIncidentStore::UpdateIncident(const Incident& next, std::int64_t expected_version,
                                        const IncidentEvent& event) {
  return RunInWriteTransaction(database_, [&](SqlConnection& conn) -> Status {
    std::vector<SqlValue> values = IncidentValues(next);
    values.push_back(next.id);
    values.push_back(expected_version);
    VAKT_ASSIGN_OR_RETURN(
        auto rows,
        conn.Query("UPDATE incidents SET version = version + 1, title = $1, severity = $2, "
                   "state = $3, group_key = $4, group_labels = $5, runbook_id = $6, "
                   "runbook_version = $7, runbook_hash = $8, pipeline = $9, assignee = $10, "
                   "drill = $11, created_at = $12, updated_at = $13, acknowledged_at = $14, "
                   "mitigated_at = $15, resolved_at = $16, closed_at = $17, context = $18 "
                   "WHERE id = $19 AND version = $20 RETURNING version",
                   values));
    if (rows.empty()) {
      return Status::FailedPrecondition("INC-" + std::to_string(next.id) +
                                        " was changed concurrently; reload and retry");
    }
    VAKT_RETURN_IF_ERROR(InsertIncidentEvent(conn, event));
    return Status::Ok();
  });
}

Status SqlIncidentStore::AppendEvent(const IncidentEvent& event) {
  return RunInWriteTransaction(database_, [&](SqlConnection& conn) -> Status {
    VAKT_RETURN_IF_ERROR(InsertIncidentEvent(conn, event));
    return Status::Ok();
  });
}

Result<std::vector<IncidentEvent>> SqlIncidentStore::ListEvents(std::int64_t incident_id) {
  std::vector<IncidentEvent> events;
  Status status = database_.RunRead([&](SqlConnection& conn) -> Status {
    VAKT_ASSIGN_OR_RETURN(auto rows,
                          conn.Query("SELECT id, incident_id, time, actor, kind, from_state, "
                                     "to_state, reason, details FROM incident_events WHERE "
                                     "incident_id = $1 ORDER BY id",
                                     {incident_id}));
    for (const auto& row : rows) {
      IncidentEvent event;
      event.id = row.Int(0);
      event.incident_id = row.Int(1);
      event.time = row.Int(2);
      event.actor = row.Text(3);
      event.kind = row.Text(4);
      event.from_state = row.Text(5);
      event.to_state = row.Text(6);
      event.reason = row.Text(7);
      try {
        event.details = nlohmann::json::parse(row.Text(8));
      } catch (const std::exception& error) {
        return Status::Corruption(std::string("event details: ") + error.what());
      }
      events.push_back(std::move(event));
    }
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return events;
}

Result<std::vector<Alert>> SqlIncidentStore::ListIncidentAlerts(std::int64_t incident_id) {
  std::vector<Alert> alerts;
  Status status = database_.RunRead([&](SqlConnection& conn) -> Status {
    VAKT_ASSIGN_OR_RETURN(
        auto rows,
        conn.Query(fmt::format("SELECT {} FROM alerts a JOIN incident_alerts ia ON "
                               "ia.fingerprint = a.fingerprint WHERE ia.incident_id = $1 "
                               "ORDER BY ia.attached_at, a.fingerprint",
                               kJoinedAlertColumns),
                   {incident_id}));
    for (const auto& row : rows) {
      VAKT_ASSIGN_OR_RETURN(Alert alert, ReadAlertRow(row));
      alerts.push_back(std::move(alert));
    }
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return alerts;
}

Result<std::vector<Alert>> SqlIncidentStore::ListUnattachedActiveAlerts(TimeMs now, size_t limit) {
  std::vector<Alert> alerts;
  Status status = database_.RunRead([&](SqlConnection& conn) -> Status {
    VAKT_ASSIGN_OR_RETURN(
        auto rows,
        conn.Query(fmt::format("SELECT {} FROM alerts a WHERE a.ends_at > $1 AND NOT EXISTS ("
                               "SELECT 1 FROM incident_alerts ia JOIN incidents i ON "
                               "i.id = ia.incident_id WHERE ia.fingerprint = a.fingerprint AND "
                               "i.state IN {}) ORDER BY a.starts_at LIMIT {}",
                               kJoinedAlertColumns, kOpenStates, limit),
                   {now}));
    for (const auto& row : rows) {
      VAKT_ASSIGN_OR_RETURN(Alert alert, ReadAlertRow(row));
      alerts.push_back(std::move(alert));
    }
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return alerts;
}

Result<std::vector<std::int64_t>> SqlIncidentStore::ListOpenIncidentsWithoutActiveAlerts(
    TimeMs now) {
  std::vector<std::int64_t> ids;
  Status status = database_.RunRead([&](SqlConnection& conn) -> Status {
    VAKT_ASSIGN_OR_RETURN(
        auto rows,
        conn.Query(fmt::format("SELECT i.id FROM incidents i WHERE i.state IN {} AND EXISTS ("
                               "SELECT 1 FROM incident_alerts ia WHERE ia.incident_id = i.id) "
                               "AND NOT EXISTS (SELECT 1 FROM incident_alerts ia JOIN alerts a "
                               "ON a.fingerprint = ia.fingerprint WHERE ia.incident_id = i.id "
                               "AND a.ends_at > $1) ORDER BY i.id",
                               kOpenStates),
                   {now}));
    for (const auto& row : rows) ids.push_back(row.Int(0));
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return ids;
}

}  // namespace vakt::storage
