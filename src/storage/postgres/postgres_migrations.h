#pragma once

#include <vector>

#include "storage/sqlite/sqlite_migrations.h"

namespace vakt::storage {

// PostgresMigrations mirrors SqliteMigrations version for version, in PostgreSQL's dialect.
const std::vector<Migration>& PostgresMigrations();

}  // namespace vakt::storage
