#include "storage/sql_catalog_store.h"

#include "common/crypto.h"
#include "storage/sql_audit_append.h"
#include "storage/write_transaction.h"

namespace vakt::storage {
namespace {

audit::AuditEvent CatalogAudit(const std::string& action, const std::string& id,
                               const std::string& actor, const std::string& document,
                               std::int64_t version) {
  audit::AuditEvent event;
  event.actor = actor;
  event.action = action;
  event.subject = "pipeline/" + id;
  event.details = {{"version", version}};
  if (!document.empty()) event.digest = Sha256Hex(document);
  return event;
}

}  // namespace

Result<std::int64_t> SqlCatalogStore::PutPipeline(const std::string& id,
                                                  const std::string& document,
                                                  std::optional<std::int64_t> expected_version,
                                                  const std::string& actor, TimeMs now) {
  std::int64_t version = 0;
  Status status = RunInWriteTransaction(database_, [&](SqlConnection& conn) -> Status {
    VAKT_ASSIGN_OR_RETURN(SqlRows rows,
                          conn.Query("SELECT version FROM catalog_pipelines WHERE id = $1", {id}));
    std::int64_t current = rows.empty() ? 0 : rows[0].Int(0);
    if (expected_version.has_value() && *expected_version != current) {
      return Status::FailedPrecondition("pipeline " + id + " is at version " +
                                        std::to_string(current) + ", not " +
                                        std::to_string(*expected_version));
    }
    version = current + 1;
    if (rows.empty()) {
      VAKT_RETURN_IF_ERROR(conn.Query("INSERT INTO catalog_pipelines (id, document, version, "
                                      "updated_by, updated_at) VALUES ($1, $2, $3, $4, $5)",
                                      {id, document, version, actor, now})
                               .status());
    } else {
      VAKT_RETURN_IF_ERROR(conn.Query("UPDATE catalog_pipelines SET document = $2, version = $3, "
                                      "updated_by = $4, updated_at = $5 WHERE id = $1",
                                      {id, document, version, actor, now})
                               .status());
    }
    VAKT_RETURN_IF_ERROR(
        AppendAuditEvent(conn, CatalogAudit("pipeline.put", id, actor, document, version), now)
            .status());
    return Status::Ok();
  });
  VAKT_RETURN_IF_ERROR(status);
  return version;
}

Status SqlCatalogStore::DeletePipeline(const std::string& id, const std::string& actor,
                                       TimeMs now) {
  return RunInWriteTransaction(database_, [&](SqlConnection& conn) -> Status {
    VAKT_ASSIGN_OR_RETURN(
        SqlRows rows,
        conn.Query("DELETE FROM catalog_pipelines WHERE id = $1 RETURNING version", {id}));
    if (rows.empty()) return Status::NotFound("no pipeline " + id + " was defined through the API");
    VAKT_RETURN_IF_ERROR(
        AppendAuditEvent(conn, CatalogAudit("pipeline.delete", id, actor, "", rows[0].Int(0)), now)
            .status());
    return Status::Ok();
  });
}

Result<std::vector<StoredPipeline>> SqlCatalogStore::ListPipelines() {
  std::vector<StoredPipeline> pipelines;
  Status status = database_.RunRead([&](SqlConnection& conn) -> Status {
    VAKT_ASSIGN_OR_RETURN(SqlRows rows,
                          conn.Query("SELECT id, document, version, updated_by, updated_at FROM "
                                     "catalog_pipelines ORDER BY id",
                                     {}));
    for (const SqlRow& row : rows) {
      pipelines.push_back({row.Text(0), row.Text(1), row.Int(2), row.Text(3), row.Int(4)});
    }
    return Status::Ok();
  });
  VAKT_RETURN_IF_ERROR(status);
  return pipelines;
}

}  // namespace vakt::storage
