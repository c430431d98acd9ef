#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/status.h"
#include "template/template.h"

namespace vakt::templating {

// RenderJsonTemplate renders a JSON body template: every string leaf and every object key of
// `structure` is a Mustache template rendered on its own as plain text, then the result is
// re-serialised by nlohmann. A value with quotes, backslashes or `"}` therefore stays inside its
// string (or its key): JSON escaping is done by the serialiser, not by hoping a template author
// quoted correctly. Keys are templates because some contracts key a map by data (a router's
// {"weights": {"<version>": 100}}). Numbers, bools and nulls are copied unchanged. Two keys of one
// object that render to the same text are an InvalidArgument error (one would silently replace
// the other). Returns the first error, prefixed with the JSON pointer of the template source.
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
