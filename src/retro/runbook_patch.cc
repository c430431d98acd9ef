#include "retro/runbook_patch.h"

#include <yaml-cpp/yaml.h>

#include <fmt/format.h>

#include <set>

namespace vakt::retro {
namespace {

constexpr size_t kMaxOperations = 100;

// ToYaml converts JSON to a YAML node. A string that YAML 1.1 would read as another type ("yes",
// "010") is emitted plain and then rejected by the strict loader, never silently retyped.
YAML::Node ToYaml(const nlohmann::json& value) {
  if (value.is_object()) {
    YAML::Node node(YAML::NodeType::Map);
    for (const auto& [key, item] : value.items()) node[key] = ToYaml(item);
    return node;
  }
  if (value.is_array()) {
    YAML::Node node(YAML::NodeType::Sequence);
    for (const auto& item : value) node.push_back(ToYaml(item));
    return node;
  }
  if (value.is_boolean()) return YAML::Node(value.get<bool>());
  if (value.is_number_integer()) return YAML::Node(value.get<std::int64_t>());
  if (value.is_number()) return YAML::Node(value.get<double>());
  if (value.is_null()) return YAML::Node(YAML::NodeType::Null);
  return YAML::Node(value.get<std::string>());
}

// SectionPath maps a section name to its key path in the runbook.
Result<std::vector<std::string>> SectionPath(const std::string& section) {
  if (section == "stabilise") return std::vector<std::string>{"stabilise"};
  if (section == "investigate") return std::vector<std::string>{"investigate", "steps"};
  if (section == "verify") return std::vector<std::string>{"resolve", "verify"};
  if (section == "close_out") return std::vector<std::string>{"resolve", "close_out"};
  return Status::InvalidArgument("section: must be stabilise, investigate, verify or close_out");
}

// SectionNode returns the step list of a section, creating it when `create`.
YAML::Node SectionNode(YAML::Node root, const std::vector<std::string>& path, bool create) {
  YAML::Node node = root;
  for (const std::string& key : path) {
    if (!node[key]) {
      if (!create) return YAML::Node();
      node[key] = YAML::Node(key == path.back() ? YAML::NodeType::Sequence : YAML::NodeType::Map);
    }
    // reset, not assignment: assigning a node handle would overwrite the node it refers to.
    node.reset(node[key]);
  }
  return node;
}

std::string StepIdOf(const YAML::Node& step) {
  if (!step.IsMap() || !step["id"] || !step["id"].IsScalar()) return "";
  return step["id"].Scalar();
}

struct Found {
  YAML::Node list;
  size_t index = 0;
};

std::optional<Found> FindStep(YAML::Node root, const std::string& id) {
  for (const char* section : {"stabilise", "investigate", "verify", "close_out"}) {
    YAML::Node list = SectionNode(root, *SectionPath(section), false);
    if (!list || !list.IsSequence()) continue;
    for (size_t index = 0; index < list.size(); ++index) {
      if (StepIdOf(list[index]) == id) return Found{list, index};
    }
  }
  return std::nullopt;
}

// Rebuild replaces a sequence's items (yaml-cpp cannot erase from or insert into a sequence).
void Rebuild(YAML::Node list, const std::vector<YAML::Node>& items) {
  YAML::Node fresh(YAML::NodeType::Sequence);
  for (const YAML::Node& item : items) fresh.push_back(item);
  list = fresh;
}

std::vector<YAML::Node> Items(const YAML::Node& list) {
  std::vector<YAML::Node> items;
  for (size_t index = 0; index < list.size(); ++index) items.push_back(list[index]);
  return items;
}

Result<std::string> Text(const nlohmann::json& op, const char* key, const std::string& where) {
  auto found = op.find(key);
  if (found == op.end() || !found->is_string() || found->get<std::string>().empty()) {
    return Status::InvalidArgument(where + "." + key + ": must be a non-empty string");
  }
  return found->get<std::string>();
}

Status ApplyOne(YAML::Node root, const nlohmann::json& op, const std::string& where) {
  if (!op.is_object()) return Status::InvalidArgument(where + ": must be an object");
  VAKT_ASSIGN_OR_RETURN(std::string kind, Text(op, "op", where));
  std::string section = op.value("section", std::string("stabilise"));
  if (kind == "add") {
    auto step = op.find("step");
    if (step == op.end() || !step->is_object()) return Status::InvalidArgument(where + ".step: must be an object");
    VAKT_ASSIGN_OR_RETURN(std::string id, Text(*step, "id", where + ".step"));
    if (FindStep(root, id)) return Status::InvalidArgument(where + ".step.id: step \"" + id + "\" already exists");
    VAKT_ASSIGN_OR_RETURN(auto path, SectionPath(section));
    YAML::Node list = SectionNode(root, path, true);
    std::vector<YAML::Node> items = Items(list);
    size_t at = items.size();
    if (op.contains("after")) {
      VAKT_ASSIGN_OR_RETURN(std::string after, Text(op, "after", where));
      at = items.size() + 1;
      for (size_t index = 0; index < items.size(); ++index) {
        if (StepIdOf(items[index]) == after) at = index + 1;
      }
      if (at > items.size()) return Status::InvalidArgument(where + ".after: no step \"" + after + "\" in " + section);
    }
    // Build a new vector: assigning YAML::Node handles (vector::insert/erase do) would overwrite
    // the nodes they refer to.
    std::vector<YAML::Node> updated;
    for (size_t index = 0; index < items.size(); ++index) {
      if (index == at) updated.push_back(ToYaml(*step));
      updated.push_back(items[index]);
    }
    if (at == items.size()) updated.push_back(ToYaml(*step));
    Rebuild(list, updated);
    return Status::Ok();
  }
  if (kind == "edit" || kind == "remove") {
    VAKT_ASSIGN_OR_RETURN(std::string id, Text(op, "id", where));
    auto found = FindStep(root, id);
    if (!found) return Status::InvalidArgument(where + ".id: no step \"" + id + "\"");
    if (kind == "remove") {
      std::vector<YAML::Node> items = Items(found->list);
      std::vector<YAML::Node> kept;
      for (size_t index = 0; index < items.size(); ++index) {
        if (index != found->index) kept.push_back(items[index]);
      }
      Rebuild(found->list, kept);
      return Status::Ok();
    }
    auto fields = op.find("step");
    if (fields == op.end() || !fields->is_object()) return Status::InvalidArgument(where + ".step: must be an object of fields to set");
    YAML::Node step = found->list[found->index];
    for (const auto& [key, value] : fields->items()) {
      if (value.is_null()) {
        step.remove(key);
      } else {
        step[key] = ToYaml(value);
      }
    }
    return Status::Ok();
  }
  if (kind == "reorder") {
    auto order = op.find("order");
    if (order == op.end() || !order->is_array()) return Status::InvalidArgument(where + ".order: must be an array of step ids");
    VAKT_ASSIGN_OR_RETURN(auto path, SectionPath(section));
    YAML::Node list = SectionNode(root, path, false);
    if (!list || !list.IsSequence()) return Status::InvalidArgument(where + ".section: " + section + " has no steps");
    std::vector<YAML::Node> items = Items(list);
    if (order->size() != items.size()) {
      return Status::InvalidArgument(fmt::format("{}.order: must list all {} steps of {}", where, items.size(), section));
    }
    std::vector<YAML::Node> reordered;
    std::set<std::string> seen;
    for (const auto& id : *order) {
      if (!id.is_string() || !seen.insert(id.get<std::string>()).second) {
        return Status::InvalidArgument(where + ".order: must name each step once");
      }
      bool matched = false;
      for (const YAML::Node& item : items) {
        if (StepIdOf(item) == id.get<std::string>()) {
          reordered.push_back(item);
          matched = true;
        }
      }
      if (!matched) return Status::InvalidArgument(where + ".order: no step \"" + id.get<std::string>() + "\" in " + section);
    }
    Rebuild(list, reordered);
    return Status::Ok();
  }
  return Status::InvalidArgument(where + ".op: must be add, edit, reorder or remove");
}

}  // namespace

Result<std::string> ApplyRunbookPatch(const std::string& source, const nlohmann::json& operations) {
  if (!operations.is_array() || operations.empty() || operations.size() > kMaxOperations) {
    return Status::InvalidArgument(fmt::format("patch: must be an array of 1 to {} operations", kMaxOperations));
  }
  YAML::Node root;
  try {
    root = YAML::Load(source);
  } catch (const YAML::Exception& error) {
    return Status::InvalidArgument(std::string("runbook source is not YAML: ") + error.what());
  }
  if (!root.IsMap() || !root["metadata"] || !root["metadata"].IsMap()) {
    return Status::InvalidArgument("runbook source has no metadata mapping");
  }
  try {
    for (size_t index = 0; index < operations.size(); ++index) {
      VAKT_RETURN_IF_ERROR(ApplyOne(root, operations[index], fmt::format("patch[{}]", index)));
    }
    long long version = root["metadata"]["version"] ? root["metadata"]["version"].as<long long>() : 1;
    root["metadata"]["version"] = version + 1;
  } catch (const YAML::Exception& error) {
    return Status::InvalidArgument(std::string("patch: ") + error.what());
  }
  YAML::Emitter out;
  out << root;
  if (!out.good()) return Status::InvalidArgument(std::string("patch: cannot emit YAML: ") + out.GetLastError());
  return std::string(out.c_str()) + "\n";
}

}  // namespace vakt::retro
