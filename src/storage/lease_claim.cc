#include "storage/lease_claim.h"

#include <fmt/format.h>

namespace vakt::storage {

Result<SqlRows> ClaimLeasedRows(Database& database, const LeaseClaim& claim,
                                const std::string& owner, TimeMs now, TimeMs lease, int limit,
                                int id_column) {
  SqlRows claimed;
  Status status = database.RunWrite([&](SqlConnection& conn) -> Status {
    claimed.clear();
    SqlTransaction txn(conn);
    VAKT_RETURN_IF_ERROR(txn.begin_status());
    const char* lock = conn.Engine() == "postgres" ? " FOR UPDATE SKIP LOCKED" : "";
    std::vector<SqlValue> params = {now, std::int64_t{limit}};
    params.insert(params.end(), claim.extra.begin(), claim.extra.end());
    VAKT_ASSIGN_OR_RETURN(
        claimed,
        conn.Query(fmt::format("SELECT {} FROM {} WHERE {} ORDER BY {} LIMIT $2{}", claim.columns,
                               claim.table, claim.due_where, claim.order_by, lock),
                   params));
    const std::string also = claim.also_set.empty() ? "" : ", " + claim.also_set;
    const std::string update = fmt::format(
        "UPDATE {} SET lease_owner = $1, lease_expires_at = $2{} WHERE id = $3", claim.table, also);
    for (const SqlRow& row : claimed) {
      VAKT_RETURN_IF_ERROR(conn.Query(update, {owner, now + lease, row.Int(id_column)}).status());
    }
    return txn.Commit();
  });
  if (!status.ok()) return status;
  return claimed;
}

}  // namespace vakt::storage
