#pragma once

#include <functional>

#include "common/status.h"
#include "storage/database.h"
#include "storage/sql/sql_connection.h"

namespace vakt::storage {

// RunInWriteTransaction runs `work` inside one write transaction on the database's write
// connection: committed when `work` returns Ok, rolled back otherwise. Every engine-neutral store
// writes through it, so "state change + audit leaf in one transaction" is one call.
Status RunInWriteTransaction(Database& database,
                             const std::function<Status(SqlConnection&)>& work);

}  // namespace vakt::storage
