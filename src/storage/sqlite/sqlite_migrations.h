#pragma once

#include <string>
#include <vector>

namespace vakt::storage {

struct Migration {
  int version;
  std::string sql;
};

// SqliteMigrations lists the schema in order. Append only: an applied migration never changes.
const std::vector<Migration>& SqliteMigrations();

}  // namespace vakt::storage
