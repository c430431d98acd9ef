#pragma once

#include "common/status.h"
#include "model/incident.h"
#include "storage/sql/sql_connection.h"

namespace vakt::storage {

// InsertIncidentEvent appends `event` to the incident's history and its audit record to the
// tamper-evident log, inside the caller's transaction, so that subsystems writing their own rows
// (paging, group updates) record the incident event in the same commit.
// REQUIRES: a transaction is open on `conn`.
Status InsertIncidentEvent(SqlConnection& conn, const IncidentEvent& event);

}  // namespace vakt::storage
