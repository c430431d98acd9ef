#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "common/clock.h"
#include "runbook/runbook_set.h"
#include "storage/sql_runbook_version_store.h"

namespace vakt::retro {

// RecordLoadedRunbooks records a new version for every runbook of a freshly swapped-in set whose
// content hash differs from its latest stored version (source "reload", author `actor`). Returns
// {"recorded": [{"id", "version", "content_hash"}…], "errors": ["id: message"…]}: a failed record
// never undoes the swap, so errors are reported to the caller instead.
nlohmann::json RecordLoadedRunbooks(storage::SqlRunbookVersionStore& store,
                                    const runbook::RunbookSet& set, const std::string& actor,
                                    TimeMs now);

}  // namespace vakt::retro
