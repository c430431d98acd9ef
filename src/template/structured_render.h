#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/status.h"
#include "template/template.h"

namespace vakt::templating {

// RenderJsonTemplate renders a JSON body template: every string leaf of `structure` is a Mustache
// template rendered on its own as plain text, then the result is re-serialised by nlohmann. A value
// with quotes, backslashes or `"}` therefore stays inside its string: JSON escaping is done by the
// serialiser, not by hoping a template author quoted correctly. Object keys, numbers, bools and
// nulls are copied unchanged. Returns the first leaf's error, prefixed with its JSON pointer.
Result<nlohmann::json> RenderJsonTemplate(const nlohmann::json& structure,
                                          const nlohmann::json& context,
                                          MissingVariables missing = MissingVariables::kStrict);

// RenderArgv renders each element of `argv_template` separately, giving exactly one argv element
// per template element: a value with spaces, quotes or shell metacharacters is one argument and
// is never split or interpreted. Returns InvalidArgument on a template error or if a rendered
// element contains a NUL byte (it could not be passed to exec intact).
Result<std::vector<std::string>> RenderArgv(const std::vector<std::string>& argv_template,
                                            const nlohmann::json& context,
                                            MissingVariables missing = MissingVariables::kStrict);

}  // namespace vakt::templating
