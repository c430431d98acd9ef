#pragma once

// The audit log's leaves and checkpoints in SQL (tables audit_leaves and audit_checkpoints,
// storage/schema/audit_schema.cc). Stored format: docs/audit_log_format.md.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "audit/audit_leaf_store.h"
#include "storage/database.h"

namespace vakt::storage {

// AuditRecordQuery selects stored leaves for reading (the records API, evidence bundles). A leaf
// matches when its subject equals one of `subjects` or starts with one of `subject_prefixes`
// (both empty: every leaf), and its seq is above `after` (when set). At most `limit` leaves are
// returned, in ascending seq.
struct AuditRecordQuery {
  std::vector<std::string> subjects;
  std::vector<std::string> subject_prefixes;
  std::optional<std::uint64_t> after;
  size_t limit = 100;
};

// SqlAuditLeafStore implements audit::AuditLeafStore once for both engines on the Database's
// connections. Leaves appended by other transactions through AppendAuditEvent (the same tables)
// are ordinary leaves here. Thread-safe (the Database serialises connection use); on PostgreSQL
// AppendLeaves takes the same advisory lock as AppendAuditEvent, so seq stays gap-free across
// vakt instances.
class SqlAuditLeafStore final : public audit::AuditLeafStore {
 public:
  explicit SqlAuditLeafStore(Database& database) : database_(database) {}

  Status AppendLeaves(std::span<const audit::AuditLeaf> leaves) override;
  // ReadLeaves returns Corruption naming the seq when a stored leaf hash is not 64 hex digits.
  Result<std::vector<audit::AuditLeaf>> ReadLeaves(std::uint64_t begin,
                                                   std::uint64_t end) override;
  Result<std::uint64_t> Size() override;
  Status AppendCheckpoint(const audit::StoredCheckpoint& checkpoint) override;
  Result<std::vector<audit::StoredCheckpoint>> ListCheckpoints() override;

  Result<audit::StoredCheckpoint> LatestCheckpoint() override;
  // FindRecords returns the leaves matching `query` (see AuditRecordQuery).
  Result<std::vector<audit::AuditLeaf>> FindRecords(const AuditRecordQuery& query);

 private:
  Database& database_;
};

}  // namespace vakt::storage
