#include "escalation/policy.h"

#include <fmt/format.h>

namespace vakt::escalation {

using oncall::YamlReader;

std::string Target::ToString() const {
  switch (kind) {
    case Kind::kUser:
      return "user:" + id;
    case Kind::kSchedule:
      return "schedule:" + id;
    case Kind::kTeam:
      return "team:" + id;
  }
  return id;
}

Result<Target> ParseTarget(std::string_view text) {
  const std::size_t colon = text.find(':');
  if (colon == std::string_view::npos || colon + 1 == text.size()) {
    return Status::InvalidArgument(
        fmt::format("target must be user:ID, schedule:ID or team:ID, got \"{}\"", text));
  }
  const std::string_view kind = text.substr(0, colon);
  Target target;
  target.id = std::string(text.substr(colon + 1));
  if (kind == "user") {
    target.kind = Target::Kind::kUser;
  } else if (kind == "schedule") {
    target.kind = Target::Kind::kSchedule;
  } else if (kind == "team") {
    target.kind = Target::Kind::kTeam;
  } else {
    return Status::InvalidArgument(
        fmt::format("target must be user:ID, schedule:ID or team:ID, got \"{}\"", text));
  }
  return target;
}

namespace {

Result<EscalationPolicy> ParsePolicy(const YamlReader& reader, const oncall::Directory& directory) {
  VAKT_RETURN_IF_ERROR(reader.ExpectMap({"id", "name", "levels", "repeat"}));
  EscalationPolicy policy;
  VAKT_ASSIGN_OR_RETURN(policy.id, reader.RequiredString("id"));
  VAKT_RETURN_IF_ERROR(reader.OptionalString("name", policy.name));
  if (policy.name.empty()) policy.name = policy.id;
  if (reader.Has("repeat")) {
    VAKT_ASSIGN_OR_RETURN(long long repeat, reader.Child("repeat").AsInt());
    if (repeat < 0 || repeat > 9) return reader.Child("repeat").Error("repeat must be between 0 and 9");
    policy.repeat = static_cast<int>(repeat);
  }
  if (!reader.Has("levels")) return reader.Error("missing required key \"levels\"");
  VAKT_ASSIGN_OR_RETURN(std::vector<YamlReader> levels, reader.Child("levels").Items());
  if (levels.empty()) return reader.Child("levels").Error("a policy needs at least one level");
  for (const YamlReader& level_reader : levels) {
    VAKT_RETURN_IF_ERROR(level_reader.ExpectMap({"targets", "delay", "round_robin"}));
    Level level;
    if (!level_reader.Has("targets")) return level_reader.Error("missing required key \"targets\"");
    VAKT_ASSIGN_OR_RETURN(std::vector<std::string> targets, level_reader.Child("targets").AsStringList());
    if (targets.empty()) return level_reader.Child("targets").Error("a level needs at least one target");
    for (const std::string& text : targets) {
      Result<Target> target = ParseTarget(text);
      if (!target.ok()) return level_reader.Child("targets").Error(target.status().message());
      const bool known = (target->kind == Target::Kind::kUser && directory.FindUser(target->id)) ||
                         (target->kind == Target::Kind::kSchedule && directory.FindSchedule(target->id)) ||
                         (target->kind == Target::Kind::kTeam && directory.FindTeam(target->id));
      if (!known) return level_reader.Child("targets").Error(fmt::format("unknown target \"{}\"", text));
      level.targets.push_back(*target);
    }
    if (!level_reader.Has("delay")) return level_reader.Error("missing required key \"delay\"");
    VAKT_ASSIGN_OR_RETURN(level.delay, level_reader.Child("delay").AsDuration());
    if (level.delay <= 0) return level_reader.Child("delay").Error("delay must be positive");
    if (level_reader.Has("round_robin")) {
      VAKT_ASSIGN_OR_RETURN(level.round_robin, level_reader.Child("round_robin").AsBool());
    }
    policy.levels.push_back(std::move(level));
  }
  return policy;
}

}  // namespace

Result<std::map<std::string, EscalationPolicy, std::less<>>> ParsePolicies(
    const YamlReader& reader, const oncall::Directory& directory) {
  std::map<std::string, EscalationPolicy, std::less<>> policies;
  VAKT_ASSIGN_OR_RETURN(std::vector<YamlReader> items, reader.Items());
  for (const YamlReader& item : items) {
    VAKT_ASSIGN_OR_RETURN(EscalationPolicy policy, ParsePolicy(item, directory));
    std::string id = policy.id;
    if (!policies.emplace(id, std::move(policy)).second) {
      return item.Child("id").Error(fmt::format("duplicate escalation policy id \"{}\"", id));
    }
  }
  return policies;
}

const EscalationPolicy* OncallConfig::FindPolicy(std::string_view id) const {
  auto it = policies.find(id);
  return it == policies.end() ? nullptr : &it->second;
}

namespace {

Result<OncallConfig> ParseRoot(const YamlReader& root) {
  VAKT_RETURN_IF_ERROR(root.ExpectMap({"users", "teams", "schedules", "escalation_policies"}));
  OncallConfig config;
  VAKT_ASSIGN_OR_RETURN(config.directory, oncall::Directory::Parse(root));
  if (root.Has("escalation_policies")) {
    VAKT_ASSIGN_OR_RETURN(config.policies, ParsePolicies(root.Child("escalation_policies"), config.directory));
  }
  return config;
}

}  // namespace

Result<OncallConfig> LoadOncallConfig(const std::string& file) {
  VAKT_ASSIGN_OR_RETURN(YamlReader root, YamlReader::LoadFile(file));
  return ParseRoot(root);
}

Result<OncallConfig> ParseOncallConfig(std::string_view text, const std::string& file_name) {
  VAKT_ASSIGN_OR_RETURN(YamlReader root, YamlReader::LoadString(text, file_name));
  return ParseRoot(root);
}

}  // namespace vakt::escalation
