#include "storage/schema/portable_migration.h"

namespace vakt::storage {

// Pipelines defined or replaced through the API. They are laid over the catalogue file at every
// (re)load, so the file stays the reviewed baseline and API changes survive restarts.
PortableMigration CatalogSchema() {
  return {10, R"sql(
CREATE TABLE catalog_pipelines (
  id          TEXT   NOT NULL PRIMARY KEY,
  document    TEXT   NOT NULL,   -- the pipeline as submitted (YAML or JSON), validated
  version     BIGINT NOT NULL,   -- +1 per change, for compare-and-set
  updated_by  TEXT   NOT NULL,
  updated_at  BIGINT NOT NULL
);
)sql"};
}

}  // namespace vakt::storage
