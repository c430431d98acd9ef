#include "storage/sql_oncall_people_store.h"

#include "common/crypto.h"
#include "storage/sql_audit_append.h"
#include "storage/write_transaction.h"

namespace vakt::storage {
namespace {

audit::AuditEvent PersonAudit(OncallPersonKind kind, const std::string& verb, const std::string& id,
                              const std::string& actor, const std::string& document,
                              std::int64_t version) {
  const std::string kind_name = OncallPersonKindName(kind);
  audit::AuditEvent event;
  event.actor = actor;
  event.action = kind_name + "." + verb;
  event.subject = kind_name + "/" + id;
  event.details = {{"version", version}};
  if (!document.empty()) event.digest = Sha256Hex(document);
  return event;
}

}  // namespace

const char* OncallPersonKindName(OncallPersonKind kind) {
  return kind == OncallPersonKind::kTeam ? "team" : "user";
}

Result<std::int64_t> SqlOncallPeopleStore::Put(OncallPersonKind kind, const std::string& id,
                                               const std::string& document,
                                               std::optional<std::int64_t> expected_version,
                                               const std::string& actor, TimeMs now) {
  const std::string kind_name = OncallPersonKindName(kind);
  std::int64_t version = 0;
  Status status = RunInWriteTransaction(database_, [&](SqlConnection& conn) -> Status {
    VAKT_ASSIGN_OR_RETURN(
        SqlRows rows, conn.Query("SELECT version FROM oncall_people WHERE kind = $1 AND id = $2",
                                 {kind_name, id}));
    std::int64_t current = rows.empty() ? 0 : rows[0].Int(0);
    if (expected_version.has_value() && *expected_version != current) {
      return Status::FailedPrecondition(kind_name + " " + id + " is at version " +
                                        std::to_string(current) + ", not " +
                                        std::to_string(*expected_version));
    }
    version = current + 1;
    if (rows.empty()) {
      VAKT_RETURN_IF_ERROR(conn.Query("INSERT INTO oncall_people (kind, id, document, version, "
                                      "updated_by, updated_at) VALUES ($1, $2, $3, $4, $5, $6)",
                                      {kind_name, id, document, version, actor, now})
                               .status());
    } else {
      VAKT_RETURN_IF_ERROR(
          conn.Query("UPDATE oncall_people SET document = $3, version = $4, "
                     "updated_by = $5, updated_at = $6 WHERE kind = $1 AND id = $2",
                     {kind_name, id, document, version, actor, now})
              .status());
    }
    return AppendAuditEvent(conn, PersonAudit(kind, "put", id, actor, document, version), now)
        .status();
  });
  VAKT_RETURN_IF_ERROR(status);
  return version;
}

Status SqlOncallPeopleStore::Delete(OncallPersonKind kind, const std::string& id,
                                    const std::string& actor, TimeMs now) {
  const std::string kind_name = OncallPersonKindName(kind);
  return RunInWriteTransaction(database_, [&](SqlConnection& conn) -> Status {
    VAKT_ASSIGN_OR_RETURN(SqlRows rows,
                          conn.Query("DELETE FROM oncall_people WHERE kind = $1 AND id = $2 "
                                     "RETURNING version",
                                     {kind_name, id}));
    if (rows.empty()) {
      return Status::NotFound("no " + kind_name + " " + id + " was defined through the API");
    }
    return AppendAuditEvent(conn, PersonAudit(kind, "delete", id, actor, "", rows[0].Int(0)), now)
        .status();
  });
}

Result<std::vector<StoredOncallPerson>> SqlOncallPeopleStore::List(OncallPersonKind kind) {
  std::vector<StoredOncallPerson> out;
  Status status = database_.RunRead([&](SqlConnection& conn) -> Status {
    VAKT_ASSIGN_OR_RETURN(SqlRows rows,
                          conn.Query("SELECT id, document, version, updated_by, updated_at FROM "
                                     "oncall_people WHERE kind = $1 ORDER BY id",
                                     {std::string(OncallPersonKindName(kind))}));
    for (const SqlRow& row : rows) {
      out.push_back({kind, row.Text(0), row.Text(1), row.Int(2), row.Text(3), row.Int(4)});
    }
    return Status::Ok();
  });
  VAKT_RETURN_IF_ERROR(status);
  return out;
}

}  // namespace vakt::storage
