#pragma once

#include <vector>

namespace vakt::storage {

struct Migration {
  int version;
  const char* sql;
};

// SqliteMigrations lists the schema in order. Append only: an applied migration never changes.
const std::vector<Migration>& SqliteMigrations();

}  // namespace vakt::storage
