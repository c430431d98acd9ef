#pragma once

#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/status.h"
#include "template/tag_scanner.h"

namespace vakt::templating {

// EnvLookup returns a variable's value or nullptr; an empty EnvLookup means std::getenv.
using EnvLookup = std::function<const char*(const char*)>;

// AllowListedEnvironment returns {"NAME": "value", ...} for the names in `allow_list` that are
// set. Nothing outside the list is ever read, so a template cannot reach secrets such as
// VAKT_SMTP_PASSWORD by naming them.
nlohmann::json AllowListedEnvironment(const std::vector<std::string>& allow_list,
                                      const EnvLookup& lookup = {});

// WithEnvironment returns `context` with its "env" key replaced by `environment`, so data in the
// context (an alert labelled "env") can never stand in for the environment.
nlohmann::json WithEnvironment(nlohmann::json context, nlohmann::json environment);

// CheckEnvironmentReferences fails with PermissionDenied naming the first `env.NAME` a template
// reads whose NAME is not in `allow_list`. Run it when a template is loaded, so a bad reference is
// a config error rather than a blank at 3 a.m. Only top-level references are checked: inside a
// section "env.X" could name a field of the section's value.
Status CheckEnvironmentReferences(const std::vector<TemplateTag>& tags,
                                  const std::vector<std::string>& allow_list);

}  // namespace vakt::templating
