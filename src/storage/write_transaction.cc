#include "storage/write_transaction.h"

namespace vakt::storage {

Status RunInWriteTransaction(Database& database,
                             const std::function<Status(SqlConnection&)>& work) {
  return database.RunWrite([&](SqlConnection& conn) -> Status {
    SqlTransaction txn(conn);
    VAKT_RETURN_IF_ERROR(txn.begin_status());
    VAKT_RETURN_IF_ERROR(work(conn));
    return txn.Commit();
  });
}

}  // namespace vakt::storage
