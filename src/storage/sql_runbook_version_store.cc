#include "storage/sql_runbook_version_store.h"

#include "storage/sql_audit_append.h"
#include "storage/write_transaction.h"

namespace vakt::storage {
namespace {

constexpr const char* kColumns =
    "runbook_id, version, content_hash, author, created_at, message, source, incident_id, "
    "proposal_id";

RunbookVersion ReadVersion(const SqlRow& row) {
  RunbookVersion version;
  version.runbook_id = row.Text(0);
  version.version = row.Int(1);
  version.content_hash = row.Text(2);
  version.author = row.Text(3);
  version.created_at = row.Int(4);
  version.message = row.Text(5);
  version.source = row.Text(6);
  version.incident_id = row.Int(7);
  version.proposal_id = row.Int(8);
  if (row.size() > 9) version.content = row.Text(9);
  return version;
}

}  // namespace

Result<std::optional<RunbookVersion>> RecordRunbookVersionIn(SqlConnection& conn,
                                                             const RunbookVersion& draft,
                                                             TimeMs now) {
  VAKT_ASSIGN_OR_RETURN(
      auto latest,
      conn.Query("SELECT version, content_hash FROM runbook_versions WHERE runbook_id = $1 "
                 "ORDER BY version DESC LIMIT 1",
                 {draft.runbook_id}));
  if (!latest.empty() && latest[0].Text(1) == draft.content_hash) {
    return std::optional<RunbookVersion>();
  }
  RunbookVersion stored = draft;
  stored.version = latest.empty() ? 1 : latest[0].Int(0) + 1;
  stored.created_at = now;
  VAKT_RETURN_IF_ERROR(
      conn.Query("INSERT INTO runbook_versions (runbook_id, version, content_hash, content, "
                 "author, created_at, message, source, incident_id, proposal_id) VALUES ($1, $2, "
                 "$3, $4, $5, $6, $7, $8, $9, $10)",
                 {stored.runbook_id, stored.version, stored.content_hash, stored.content,
                  stored.author, stored.created_at, stored.message, stored.source,
                  stored.incident_id, stored.proposal_id})
          .status());
  audit::AuditEvent event;
  event.actor = stored.author.empty() ? "system" : stored.author;
  event.action = "runbook.version";
  event.subject = "runbook/" + stored.runbook_id;
  event.details = {{"version", stored.version},
                   {"source", stored.source},
                   {"message", stored.message},
                   {"incident_id", stored.incident_id},
                   {"proposal_id", stored.proposal_id}};
  event.digest = stored.content_hash;
  VAKT_RETURN_IF_ERROR(AppendAuditEvent(conn, event, now).status());
  return std::optional<RunbookVersion>(std::move(stored));
}

Result<std::optional<RunbookVersion>> SqlRunbookVersionStore::RecordIfChanged(
    const RunbookVersion& draft, TimeMs now) {
  std::optional<RunbookVersion> recorded;
  Status status = RunInWriteTransaction(database_, [&](SqlConnection& conn) -> Status {
    VAKT_ASSIGN_OR_RETURN(recorded, RecordRunbookVersionIn(conn, draft, now));
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return recorded;
}

Result<std::vector<RunbookVersion>> SqlRunbookVersionStore::List(const std::string& runbook_id) {
  std::vector<RunbookVersion> versions;
  Status status = database_.RunRead([&](SqlConnection& conn) -> Status {
    VAKT_ASSIGN_OR_RETURN(auto rows, conn.Query(std::string("SELECT ") + kColumns +
                                                    " FROM runbook_versions WHERE runbook_id = $1 "
                                                    "ORDER BY version",
                                                {runbook_id}));
    for (const SqlRow& row : rows) versions.push_back(ReadVersion(row));
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return versions;
}

Result<RunbookVersion> SqlRunbookVersionStore::Get(const std::string& runbook_id,
                                                   std::int64_t version) {
  Result<RunbookVersion> found = Status::NotFound("runbook " + runbook_id + " has no version " +
                                                  std::to_string(version));
  Status status = database_.RunRead([&](SqlConnection& conn) -> Status {
    VAKT_ASSIGN_OR_RETURN(auto rows, conn.Query(std::string("SELECT ") + kColumns +
                                                    ", content FROM runbook_versions WHERE "
                                                    "runbook_id = $1 AND version = $2",
                                                {runbook_id, version}));
    if (!rows.empty()) found = ReadVersion(rows[0]);
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return found;
}

Result<RunbookVersion> SqlRunbookVersionStore::Latest(const std::string& runbook_id) {
  Result<RunbookVersion> found = Status::NotFound("runbook " + runbook_id + " has no versions");
  Status status = database_.RunRead([&](SqlConnection& conn) -> Status {
    VAKT_ASSIGN_OR_RETURN(auto rows, conn.Query(std::string("SELECT ") + kColumns +
                                                    ", content FROM runbook_versions WHERE "
                                                    "runbook_id = $1 ORDER BY version DESC LIMIT 1",
                                                {runbook_id}));
    if (!rows.empty()) found = ReadVersion(rows[0]);
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return found;
}

}  // namespace vakt::storage
