#include "storage/alert_codec.h"

#include <nlohmann/json.hpp>

namespace vakt::storage {

std::string EncodeLabels(const LabelSet& labels) {
  nlohmann::json object = nlohmann::json::object();
  for (const auto& [name, value] : labels) object[name] = value;
  return object.dump();
}

Result<LabelSet> DecodeLabels(const std::string& json) {
  try {
    LabelSet labels;
    auto object = nlohmann::json::parse(json);
    for (const auto& [name, value] : object.items()) labels[name] = value.get<std::string>();
    return labels;
  } catch (const nlohmann::json::exception& error) {
    return Status::Corruption(std::string("stored label set is not valid JSON: ") + error.what());
  }
}

}  // namespace vakt::storage
