#pragma once

#include <string>
#include <vector>

namespace vakt::ingest {

// FieldError names the offending field of a payload with a JSON-path-like locator
// ("[2].labels.team") so that a 400 tells the sender exactly what to fix.
struct FieldError {
  std::string field;
  std::string message;
};

using FieldErrors = std::vector<FieldError>;

}  // namespace vakt::ingest
