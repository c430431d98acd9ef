#include "storage/sql_diagnosis_store.h"

#include <nlohmann/json.hpp>

#include "common/crypto.h"
#include "storage/sql_audit_append.h"
#include "storage/write_transaction.h"

namespace vakt::storage {
namespace {

constexpr const char* kColumns =
    "id, incident_id, created_at, actor, verdict, score, result, report, result_sha256";

StoredDiagnosis ReadDiagnosis(const SqlRow& row) {
  StoredDiagnosis d;
  d.id = row.Int(0);
  d.incident_id = row.Int(1);
  d.created_at = row.Int(2);
  d.actor = row.Text(3);
  d.verdict = row.Text(4);
  d.score = row.Text(5);
  d.result_json = row.Text(6);
  d.report = row.Text(7);
  d.result_sha256 = row.Text(8);
  return d;
}

}  // namespace

Result<StoredDiagnosis> SqlDiagnosisStore::Save(StoredDiagnosis diagnosis) {
  diagnosis.result_sha256 = Sha256Hex(diagnosis.result_json);
  Status status = RunInWriteTransaction(database_, [&](SqlConnection& conn) -> Status {
    VAKT_ASSIGN_OR_RETURN(auto exists, conn.Query("SELECT id FROM incidents WHERE id = $1",
                                                  {diagnosis.incident_id}));
    if (exists.empty()) {
      return Status::NotFound("no incident INC-" + std::to_string(diagnosis.incident_id));
    }
    VAKT_ASSIGN_OR_RETURN(
        auto rows,
        conn.Query("INSERT INTO incident_diagnoses (incident_id, created_at, actor, verdict, "
                   "score, result, report, result_sha256) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) "
                   "RETURNING id",
                   {diagnosis.incident_id, diagnosis.created_at, diagnosis.actor,
                    diagnosis.verdict, diagnosis.score, diagnosis.result_json, diagnosis.report,
                    diagnosis.result_sha256}));
    diagnosis.id = rows.at(0).Int(0);
    const std::string subject = "incident/INC-" + std::to_string(diagnosis.incident_id);
    const nlohmann::json details = {{"diagnosis_id", diagnosis.id},
                                    {"verdict", diagnosis.verdict},
                                    {"score", diagnosis.score}};
    // The timeline shows the diagnosis next to acks and notes.
    VAKT_RETURN_IF_ERROR(
        conn.Query("INSERT INTO incident_events (incident_id, time, actor, kind, from_state, "
                   "to_state, reason, details) VALUES ($1, $2, $3, 'diagnosed', '', '', $4, $5)",
                   {diagnosis.incident_id, diagnosis.created_at, diagnosis.actor,
                    "root cause: " + diagnosis.verdict, details.dump()})
            .status());
    audit::AuditEvent event;
    event.actor = diagnosis.actor;
    event.action = "incident.diagnosed";
    event.subject = subject;
    event.details = details;
    event.digest = diagnosis.result_sha256;
    VAKT_RETURN_IF_ERROR(AppendAuditEvent(conn, event, diagnosis.created_at).status());
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return diagnosis;
}

Result<StoredDiagnosis> SqlDiagnosisStore::Latest(std::int64_t incident_id) {
  VAKT_ASSIGN_OR_RETURN(auto list, List(incident_id, 1));
  if (list.empty()) {
    return Status::NotFound("incident INC-" + std::to_string(incident_id) + " has no diagnosis");
  }
  return list.front();
}

Result<std::vector<StoredDiagnosis>> SqlDiagnosisStore::List(std::int64_t incident_id,
                                                            size_t limit) {
  std::vector<StoredDiagnosis> out;
  Status status = database_.RunRead([&](SqlConnection& conn) -> Status {
    VAKT_ASSIGN_OR_RETURN(
        auto rows,
        conn.Query(std::string("SELECT ") + kColumns +
                       " FROM incident_diagnoses WHERE incident_id = $1 ORDER BY id DESC LIMIT $2",
                   {incident_id, static_cast<std::int64_t>(limit)}));
    for (const SqlRow& row : rows) out.push_back(ReadDiagnosis(row));
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return out;
}

}  // namespace vakt::storage
