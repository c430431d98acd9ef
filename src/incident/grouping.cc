#include "incident/grouping.h"

#include <fmt/format.h>

namespace vakt::incident {

const std::vector<std::string>& DefaultGroupBy() {
  static const std::vector<std::string> kDefault = {"alertname", "pipeline"};
  return kDefault;
}

LabelSet GroupLabels(const std::vector<std::string>& group_by, const LabelSet& labels) {
  if (group_by.size() == 1 && group_by[0] == "...") return labels;
  LabelSet grouped;
  for (const auto& name : group_by) {
    auto found = labels.find(name);
    if (found != labels.end()) grouped.emplace(name, found->second);
  }
  return grouped;
}

std::string GroupKey(const std::string& runbook_id, const std::vector<std::string>& group_by,
                     const LabelSet& labels) {
  std::string key = runbook_id + ":{";
  bool first = true;
  // Quoted values with Go-style escaping keep keys unambiguous whatever the label text.
  for (const auto& [name, value] : GroupLabels(group_by, labels)) {
    std::string escaped;
    for (char c : value) {
      if (c == '"' || c == '\\') escaped += '\\';
      escaped += c;
    }
    key += fmt::format("{}{}=\"{}\"", first ? "" : ",", name, escaped);
    first = false;
  }
  return key + "}";
}

}  // namespace vakt::incident
