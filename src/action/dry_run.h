#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

#include "action/rendered_action.h"

namespace vakt::action {

// IsSecretName is true for header, query-parameter, JSON-field and variable names that usually
// carry credentials (authorization, cookie, *token*, *secret*, *password*, *api-key*, ...).
bool IsSecretName(std::string_view name);

// DescribeAction renders what the action would send or execute, with no side effects (no DNS,
// no spawn, no file access), for dry runs and approval screens:
//
//   http:    {"kind":"http","method","url","headers":[[name,value]...],"body","timeout_ms",
//             "content_hash"}
//   command: {"kind":"command","argv":[...],"env_names":[...],"working_dir","timeout_ms",
//             "content_hash"}
//
// Secret-looking header values, URL query values, userinfo passwords and JSON body fields are
// replaced by "<redacted>"; command env values are never shown, only names. A JSON body is shown
// as JSON, any other body as a string. content_hash is ActionContentHash over the unredacted
// action: the value an approval binds to.
nlohmann::json DescribeAction(const RenderedAction& action);

}  // namespace vakt::action
