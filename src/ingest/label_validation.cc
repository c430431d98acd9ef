#include "ingest/label_validation.h"

#include <fmt/format.h>

namespace vakt::ingest {

bool IsValidLabelName(const std::string& name) {
  if (name.empty()) return false;
  for (size_t idx = 0; idx < name.size(); ++idx) {
    char c = name[idx];
    bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    bool digit = c >= '0' && c <= '9';
    if (!alpha && !(digit && idx > 0)) return false;
  }
  return true;
}

LabelSet ReadLabelObject(const nlohmann::json& object, const std::string& field, size_t max_pairs,
                         size_t max_name_bytes, size_t max_value_bytes, bool validate_names,
                         FieldErrors& errors) {
  LabelSet labels;
  if (object.is_null()) return labels;
  if (!object.is_object()) {
    errors.push_back({field, "must be an object of string values"});
    return labels;
  }
  if (object.size() > max_pairs) {
    errors.push_back({field, fmt::format("has {} pairs; the limit is {}", object.size(), max_pairs)});
    return labels;
  }
  for (const auto& [name, value] : object.items()) {
    // Messages name the pair as `field.name`; built only when there is something to report.
    auto path = [&] { return field + "." + name; };
    if (name.size() > max_name_bytes) {
      errors.push_back({field, fmt::format("name longer than {} bytes", max_name_bytes)});
      continue;
    }
    if (validate_names && !IsValidLabelName(name)) {
      errors.push_back({path(), "invalid label name (must match [a-zA-Z_][a-zA-Z0-9_]*)"});
      continue;
    }
    if (!value.is_string()) {
      errors.push_back({path(), "must be a string"});
      continue;
    }
    const auto& text = value.get_ref<const std::string&>();
    if (text.size() > max_value_bytes) {
      errors.push_back({path(), fmt::format("value longer than {} bytes", max_value_bytes)});
      continue;
    }
    // JSON objects iterate in name order, the LabelSet's order: append at the end.
    if (!text.empty()) labels.emplace_hint(labels.end(), name, text);
  }
  return labels;
}

}  // namespace vakt::ingest
