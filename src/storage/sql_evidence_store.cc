#include "storage/sql_evidence_store.h"

#include "storage/sql_audit_append.h"
#include "storage/write_transaction.h"

namespace vakt::storage {
namespace {

constexpr const char* kEvidenceColumns =
    "incident_id, step_id, sha256, kind, name, source, media_type, size, created_by, created_at";

evidence::EvidenceRecord ReadEvidenceRow(const SqlRow& row) {
  evidence::EvidenceRecord record;
  record.metadata.incident_id = row.Text(0);
  record.metadata.step_id = row.Text(1);
  record.sha256 = row.Text(2);
  record.metadata.collector = row.Text(3);
  record.metadata.name = row.Text(4);
  record.metadata.source = row.Text(5);
  record.metadata.content_type = row.Text(6);
  record.size = static_cast<std::uint64_t>(row.Int(7));
  record.metadata.created_by = row.Text(8);
  record.metadata.time = row.Int(9);
  return record;
}

}  // namespace

Result<std::string> SqlEvidenceStore::Put(std::string_view bytes,
                                          const evidence::EvidenceMetadata& metadata) {
  if (!evidence::IsValidIncidentId(metadata.incident_id)) {
    return Status::InvalidArgument("bad incident id '" + metadata.incident_id + "'");
  }
  VAKT_ASSIGN_OR_RETURN(std::string sha256, blobs_.PutBlob(bytes));
  Status status = RunInWriteTransaction(database_, [&](SqlConnection& conn) -> Status {
    VAKT_RETURN_IF_ERROR(
        conn.Query(std::string("INSERT INTO evidence (") + kEvidenceColumns +
                       ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                   {metadata.incident_id, metadata.step_id, sha256, metadata.collector,
                    metadata.name, metadata.source, metadata.content_type,
                    static_cast<std::int64_t>(bytes.size()),
                    metadata.created_by.empty() ? std::string("system") : metadata.created_by,
                    metadata.time})
            .status());
    audit::AuditEvent event;
    event.actor = metadata.created_by.empty() ? "system" : metadata.created_by;
    event.action = "evidence.capture";
    event.subject = "incident/" + metadata.incident_id;
    event.details = {{"step", metadata.step_id},
                     {"kind", metadata.collector},
                     {"name", metadata.name},
                     {"source", metadata.source},
                     {"size", static_cast<std::int64_t>(bytes.size())}};
    event.digest = sha256;
    VAKT_RETURN_IF_ERROR(AppendAuditEvent(conn, event, metadata.time).status());
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return sha256;
}

Result<std::string> SqlEvidenceStore::Get(std::string_view sha256) const {
  if (!evidence::IsValidSha256Hex(sha256)) {
    return Status::InvalidArgument("sha256: must be 64 lowercase hex digits");
  }
  return blobs_.Get(sha256);
}

Result<std::vector<evidence::EvidenceRecord>> SqlEvidenceStore::ListByIncident(
    std::string_view incident_id) const {
  std::vector<evidence::EvidenceRecord> out;
  Status status = database_.RunRead([&](SqlConnection& conn) -> Status {
    VAKT_ASSIGN_OR_RETURN(auto rows,
                          conn.Query(std::string("SELECT ") + kEvidenceColumns +
                                         " FROM evidence WHERE incident_id = $1 ORDER BY id",
                                     {std::string(incident_id)}));
    for (const SqlRow& row : rows) out.push_back(ReadEvidenceRow(row));
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return out;
}

Result<std::vector<evidence::EvidenceRecord>> SqlEvidenceStore::FindBySha256(
    std::string_view sha256) const {
  std::vector<evidence::EvidenceRecord> out;
  Status status = database_.RunRead([&](SqlConnection& conn) -> Status {
    VAKT_ASSIGN_OR_RETURN(auto rows,
                          conn.Query(std::string("SELECT ") + kEvidenceColumns +
                                         " FROM evidence WHERE sha256 = $1 ORDER BY id",
                                     {std::string(sha256)}));
    for (const SqlRow& row : rows) out.push_back(ReadEvidenceRow(row));
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return out;
}

}  // namespace vakt::storage
