#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "common/status.h"

// Runbook change proposals as patches: operations on a runbook's step lists applied to its YAML.
// Pure (the result is validated by the caller with runbook/loader.h and runbook/lint.h).
namespace vakt::retro {

// ApplyRunbookPatch applies `operations` (a JSON array) to runbook YAML `source` and returns the
// new YAML with metadata.version increased by one. Operations:
//   {"op": "add", "step": {…}, "after"?: "step-id", "section"?: "stabilise"}
//   {"op": "edit", "id": "step-id", "step": {fields to set; null removes a field}}
//   {"op": "remove", "id": "step-id"}
//   {"op": "reorder", "order": ["id", …], "section"?: "stabilise"}   (a permutation of the section)
// Sections: stabilise, investigate (investigate.steps), verify (resolve.verify), close_out
// (resolve.close_out); edit and remove find the step in any section. InvalidArgument naming
// "patch[i].field" for a bad operation, an unknown step, or YAML that is not a runbook mapping.
// Comments and formatting of the source are not preserved (the YAML is re-emitted).
Result<std::string> ApplyRunbookPatch(const std::string& source, const nlohmann::json& operations);

}  // namespace vakt::retro
