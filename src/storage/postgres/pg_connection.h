#pragma once

#include <pqxx/pqxx>
#include <string>

namespace vakt::storage {

// PgConnection owns one libpqxx connection. Included only inside storage/.
struct PgConnection {
  explicit PgConnection(const std::string& url) : conn(url) {}
  pqxx::connection conn;
};

}  // namespace vakt::storage
