#pragma once

#include <vector>

#include "catalog/catalog.h"
#include "common/status.h"
#include "storage/sql_catalog_store.h"

namespace vakt::app {

// OverlayStoredPipelines lays the pipelines defined through the API over the catalogue file: a
// stored pipeline replaces the file's entry with the same id or adds a new one. Each stored
// document is validated again, so a document that no longer parses is reported, not skipped.
Result<catalog::Catalog> OverlayStoredPipelines(catalog::Catalog base,
                                                const std::vector<storage::StoredPipeline>& stored);

}  // namespace vakt::app
