#include "app/catalog_overlay.h"

namespace vakt::app {

Result<catalog::Catalog> OverlayStoredPipelines(catalog::Catalog base,
                                                const std::vector<storage::StoredPipeline>& stored) {
  for (const storage::StoredPipeline& entry : stored) {
    VAKT_ASSIGN_OR_RETURN(
        catalog::Pipeline pipeline,
        catalog::ParsePipelineDocument(entry.document, "pipeline " + entry.id + " (stored)"));
    base = base.WithPipeline(std::move(pipeline));
  }
  return base;
}

}  // namespace vakt::app
