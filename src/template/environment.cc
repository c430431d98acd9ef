#include "template/environment.h"

#include <algorithm>
#include <cstdlib>

namespace vakt::templating {

nlohmann::json AllowListedEnvironment(const std::vector<std::string>& allow_list,
                                      const EnvLookup& lookup) {
  nlohmann::json environment = nlohmann::json::object();
  for (const std::string& name : allow_list) {
    const char* value = lookup ? lookup(name.c_str()) : std::getenv(name.c_str());
    if (value != nullptr) environment[name] = value;
  }
  return environment;
}

nlohmann::json WithEnvironment(nlohmann::json context, nlohmann::json environment) {
  if (!context.is_object()) context = nlohmann::json::object();
  context["env"] = std::move(environment);
  return context;
}

Status CheckEnvironmentReferences(const std::vector<TemplateTag>& tags,
                                  const std::vector<std::string>& allow_list) {
  constexpr std::string_view kPrefix = "env.";
  for (const TemplateTag& tag : tags) {
    if (!tag.sections.empty() || !tag.name.starts_with(kPrefix)) continue;
    std::string name = tag.name.substr(kPrefix.size());
    name = name.substr(0, name.find('.'));
    if (std::find(allow_list.begin(), allow_list.end(), name) == allow_list.end()) {
      return Status::PermissionDenied("template reads env." + name +
                                      ", which is not in the environment allow-list");
    }
  }
  return Status::Ok();
}

}  // namespace vakt::templating
