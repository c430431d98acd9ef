#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

#include "common/status.h"

namespace vakt {

// JsonLimits bound what an untrusted JSON document may cost before anything looks at it.
struct JsonLimits {
  size_t max_depth = 64;          // nesting of objects/arrays; deeper input is rejected while parsing
  bool reject_duplicate_keys = true;
};

// ParseJsonStrict parses untrusted JSON without recursion, rejecting invalid UTF-8, nesting deeper
// than limits.max_depth, duplicate object keys and trailing data. On error the message names the
// byte offset and the reason (InvalidArgument).
Result<nlohmann::json> ParseJsonStrict(std::string_view text, const JsonLimits& limits = {});

}  // namespace vakt
