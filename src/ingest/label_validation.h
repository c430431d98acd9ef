#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "ingest/field_error.h"
#include "ingest/limits.h"
#include "model/label_set.h"

namespace vakt::ingest {

// IsValidLabelName follows Prometheus/Alertmanager 0.25: [a-zA-Z_][a-zA-Z0-9_]*.
bool IsValidLabelName(const std::string& name);

// ReadLabelObject converts a JSON object of string values into a LabelSet, dropping empty values
// (as Alertmanager does) and appending FieldErrors for anything invalid or over a limit.
// `max_pairs`/`max_value_bytes` differ for labels and annotations; `field` prefixes messages.
LabelSet ReadLabelObject(const nlohmann::json& object, const std::string& field, size_t max_pairs,
                         size_t max_name_bytes, size_t max_value_bytes, bool validate_names,
                         FieldErrors& errors);

}  // namespace vakt::ingest
