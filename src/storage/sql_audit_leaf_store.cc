#include "storage/sql_audit_leaf_store.h"

#include <algorithm>
#include <limits>

#include "audit/audit_record.h"
#include "audit/canonical_record_scan.h"
#include "common/crypto.h"
#include "storage/sql_audit_append.h"
#include "storage/write_transaction.h"

namespace vakt::storage {
namespace {

// SqlSeq clamps a seq bound to BIGINT: callers may pass "to the end" as UINT64_MAX.
std::int64_t SqlSeq(std::uint64_t seq) {
  return static_cast<std::int64_t>(
      std::min<std::uint64_t>(seq, std::numeric_limits<std::int64_t>::max()));
}

Result<audit::AuditLeaf> ReadLeafRow(const SqlRow& row) {
  audit::AuditLeaf leaf;
  leaf.seq = static_cast<std::uint64_t>(row.Int(0));
  leaf.data = row.Text(1);
  auto hash = audit::HashFromHex(row.Text(2));
  if (!hash.ok()) {
    return Status::Corruption("entry seq " + std::to_string(leaf.seq) +
                              ": stored leaf hash is not 64 hex digits");
  }
  leaf.leaf_hash = *hash;
  return leaf;
}

// QueryLeaves runs a read returning audit_leaves rows (seq, data, leaf_hash) and decodes them in
// order. Corruption for a stored hash that does not decode.
Result<std::vector<audit::AuditLeaf>> QueryLeaves(Database& database, const std::string& sql,
                                                  const std::vector<SqlValue>& params) {
  std::vector<audit::AuditLeaf> leaves;
  Status status = database.RunRead([&](SqlConnection& conn) -> Status {
    VAKT_ASSIGN_OR_RETURN(SqlRows rows, conn.Query(sql, params));
    leaves.reserve(rows.size());
    for (const auto& row : rows) {
      VAKT_ASSIGN_OR_RETURN(audit::AuditLeaf leaf, ReadLeafRow(row));
      leaves.push_back(std::move(leaf));
    }
    return Status::Ok();
  });
  VAKT_RETURN_IF_ERROR(status);
  return leaves;
}

Result<std::uint64_t> StoredSize(SqlConnection& conn) {
  VAKT_ASSIGN_OR_RETURN(SqlRows rows,
                        conn.Query("SELECT seq FROM audit_leaves ORDER BY seq DESC LIMIT 1", {}));
  return rows.empty() ? std::uint64_t{0} : static_cast<std::uint64_t>(rows[0].Int(0)) + 1;
}

// 64 rows x 6 parameters stays far below SQLite's (999) and PostgreSQL's (65535) limits.
constexpr size_t kRowsPerInsert = 64;

// RowsPerInsert is how many leaves one INSERT carries on `conn`'s engine. PostgreSQL: a chunk,
// since each statement is a round trip. SQLite: one. Inside a transaction SQLite gives a
// multi-row INSERT a statement journal (the prior content of every page it touches, so that
// the statement alone can be undone on a constraint failure); with the subject index touched
// at a different place per row that was about one 4 KiB page per row, spilled to temp files
// (340k pwrites for 200k leaves). Single-row INSERTs need none, and the statement is cached,
// so each one costs a reset, six binds and a step. AppendLeaves is all or none either way.
size_t RowsPerInsert(const SqlConnection& conn) {
  return conn.Engine() == "sqlite" ? 1 : kRowsPerInsert;
}

// InsertLeavesSql is "INSERT ... VALUES ($1, ..., $6), ($7, ...)" for `rows` leaves.
const std::string& InsertLeavesSql(size_t rows) {
  static const std::vector<std::string> texts = [] {
    std::vector<std::string> made(kRowsPerInsert + 1);
    for (size_t count = 1; count <= kRowsPerInsert; ++count) {
      std::string sql =
          "INSERT INTO audit_leaves (seq, time, action, subject, data, leaf_hash) VALUES ";
      for (size_t row = 0; row < count; ++row) {
        sql += row == 0 ? "(" : ", (";
        for (size_t column = 1; column <= 6; ++column) {
          sql += (column == 1 ? "$" : ", $") + std::to_string(row * 6 + column);
        }
        sql += ")";
      }
      made[count] = std::move(sql);
    }
    return made;
  }();
  return texts[rows];
}

// CodePoints counts UTF-8 code points: substr() counts characters on both engines.
std::int64_t CodePoints(const std::string& text) {
  std::int64_t count = 0;
  for (unsigned char byte : text) {
    if ((byte & 0xC0) != 0x80) ++count;
  }
  return count;
}

}  // namespace

Status SqlAuditLeafStore::AppendLeaves(std::span<const audit::AuditLeaf> leaves) {
  if (leaves.empty()) return Status::Ok();
  // Read the indexed columns first: they are copies of fields inside the hashed bytes.
  std::vector<audit::ScannedRecord> columns;
  columns.reserve(leaves.size());
  for (const auto& leaf : leaves) {
    auto fields = audit::ReadRecordFields(leaf.data);
    if (!fields.ok()) {
      return Status::InvalidArgument("audit leaf seq " + std::to_string(leaf.seq) + ": " +
                                     fields.status().message());
    }
    columns.push_back(std::move(*fields));
  }
  return RunInWriteTransaction(database_, [&](SqlConnection& conn) -> Status {
    VAKT_RETURN_IF_ERROR(LockAuditAppends(conn));
    VAKT_ASSIGN_OR_RETURN(std::uint64_t size, StoredSize(conn));
    for (size_t pos = 0; pos < leaves.size(); ++pos) {
      if (leaves[pos].seq != size + pos) {
        return Status::FailedPrecondition("append at seq " + std::to_string(leaves[pos].seq) +
                                          " but the log ends at " + std::to_string(size + pos));
      }
    }
    // Multi-row INSERTs of up to RowsPerInsert rows: one statement per chunk instead of one per
    // leaf. Both engines cache the statement by its text, so there are at most two shapes per
    // batch (full chunks and the tail).
    std::vector<SqlValue> params;
    const size_t rows_per_insert = RowsPerInsert(conn);
    for (size_t first = 0; first < leaves.size(); first += rows_per_insert) {
      const size_t rows = std::min(rows_per_insert, leaves.size() - first);
      params.clear();
      params.reserve(rows * 6);
      for (size_t pos = first; pos < first + rows; ++pos) {
        params.emplace_back(SqlSeq(leaves[pos].seq));
        params.emplace_back(columns[pos].time);
        params.emplace_back(std::move(columns[pos].action));
        params.emplace_back(std::move(columns[pos].subject));
        params.emplace_back(leaves[pos].data);
        params.emplace_back(HexEncode(leaves[pos].leaf_hash));
      }
      VAKT_RETURN_IF_ERROR(conn.Query(InsertLeavesSql(rows), params).status());
    }
    return Status::Ok();
  });
}

Result<std::vector<audit::AuditLeaf>> SqlAuditLeafStore::ReadLeaves(std::uint64_t begin,
                                                                    std::uint64_t end) {
  if (begin >= end) return std::vector<audit::AuditLeaf>();
  return QueryLeaves(database_,
                     "SELECT seq, data, leaf_hash FROM audit_leaves WHERE seq >= $1 AND seq < $2 "
                     "ORDER BY seq",
                     {SqlSeq(begin), SqlSeq(end)});
}

Result<std::uint64_t> SqlAuditLeafStore::Size() {
  std::uint64_t size = 0;
  Status status = database_.RunRead([&](SqlConnection& conn) -> Status {
    VAKT_ASSIGN_OR_RETURN(size, StoredSize(conn));
    return Status::Ok();
  });
  VAKT_RETURN_IF_ERROR(status);
  return size;
}

Status SqlAuditLeafStore::AppendCheckpoint(const audit::StoredCheckpoint& checkpoint) {
  return database_.RunWrite([&](SqlConnection& conn) -> Status {
    return conn
        .Query("INSERT INTO audit_checkpoints (size, created_at, note) VALUES ($1, $2, $3)",
               {SqlSeq(checkpoint.size), checkpoint.created_at, checkpoint.note})
        .status();
  });
}

Result<std::vector<audit::StoredCheckpoint>> SqlAuditLeafStore::ListCheckpoints() {
  std::vector<audit::StoredCheckpoint> checkpoints;
  Status status = database_.RunRead([&](SqlConnection& conn) -> Status {
    VAKT_ASSIGN_OR_RETURN(
        SqlRows rows,
        conn.Query("SELECT size, created_at, note FROM audit_checkpoints ORDER BY id", {}));
    for (const auto& row : rows) {
      checkpoints.push_back({static_cast<std::uint64_t>(row.Int(0)), row.Int(1), row.Text(2)});
    }
    return Status::Ok();
  });
  VAKT_RETURN_IF_ERROR(status);
  return checkpoints;
}

Result<audit::StoredCheckpoint> SqlAuditLeafStore::LatestCheckpoint() {
  std::optional<audit::StoredCheckpoint> latest;
  Status status = database_.RunRead([&](SqlConnection& conn) -> Status {
    VAKT_ASSIGN_OR_RETURN(
        SqlRows rows,
        conn.Query("SELECT size, created_at, note FROM audit_checkpoints ORDER BY id DESC LIMIT 1",
                   {}));
    if (!rows.empty()) {
      latest = audit::StoredCheckpoint{static_cast<std::uint64_t>(rows[0].Int(0)), rows[0].Int(1),
                                       rows[0].Text(2)};
    }
    return Status::Ok();
  });
  VAKT_RETURN_IF_ERROR(status);
  if (!latest) return Status::NotFound("no audit checkpoint has been signed yet");
  return std::move(*latest);
}

Result<std::vector<audit::AuditLeaf>> SqlAuditLeafStore::FindRecords(
    const AuditRecordQuery& query) {
  std::string sql = "SELECT seq, data, leaf_hash FROM audit_leaves WHERE seq > $1";
  std::vector<SqlValue> params = {query.after ? SqlSeq(*query.after) : std::int64_t{-1}};
  std::vector<std::string> matches;
  for (const auto& subject : query.subjects) {
    params.push_back(subject);
    matches.push_back("subject = $" + std::to_string(params.size()));
  }
  for (const auto& prefix : query.subject_prefixes) {
    params.push_back(prefix);
    params.push_back(CodePoints(prefix));
    matches.push_back("substr(subject, 1, $" + std::to_string(params.size()) + ") = $" +
                      std::to_string(params.size() - 1));
  }
  if (!matches.empty()) {
    sql += " AND (";
    for (size_t pos = 0; pos < matches.size(); ++pos) {
      sql += (pos == 0 ? "" : " OR ") + matches[pos];
    }
    sql += ")";
  }
  params.push_back(static_cast<std::int64_t>(query.limit));
  sql += " ORDER BY seq LIMIT $" + std::to_string(params.size());
  return QueryLeaves(database_, sql, params);
}

}  // namespace vakt::storage
