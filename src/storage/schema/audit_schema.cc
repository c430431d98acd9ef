#include "storage/schema/portable_migration.h"

namespace vakt::storage {

// The audit log (docs/audit_log_format.md): append-only leaves whose seq is the Merkle leaf
// index, and signed checkpoints. Nothing in vakt updates or deletes these rows.
PortableMigration AuditSchema() {
  return {4, R"sql(
CREATE TABLE audit_leaves (
  seq        BIGINT NOT NULL PRIMARY KEY,  -- leaf index, gap-free from 0
  time       BIGINT NOT NULL,              -- Unix ms, never decreasing along seq
  action     TEXT   NOT NULL,
  subject    TEXT   NOT NULL,
  data       TEXT   NOT NULL,              -- canonical record JSON, exactly the hashed bytes
  leaf_hash  TEXT   NOT NULL               -- lowercase hex SHA-256(0x00 || data)
);
CREATE INDEX audit_leaves_subject ON audit_leaves(subject, seq);
CREATE TABLE audit_checkpoints (
  id         {{ID}},
  size       BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  note       TEXT   NOT NULL
);
)sql"};
}

}  // namespace vakt::storage
