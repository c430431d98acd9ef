#pragma once

#include <map>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "common/clock.h"

namespace vakt::action {

// HttpAction is an `http` step after template rendering: exactly what would go on the wire.
// Plain value type; not synchronised.
struct HttpAction {
  std::string method = "POST";
  std::string url;
  // Header order is kept as written; names compare case-insensitively when hashed.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;  // usually JSON text; sent byte for byte
  TimeMs timeout_ms = 10'000;  // per attempt
};

// CommandAction is a `command` step after template rendering: one argv element per template field,
// never a shell string. Plain value type; not synchronised.
struct CommandAction {
  std::vector<std::string> argv;
  std::map<std::string, std::string> env;  // runbook-provided variables, filtered by the executor
  std::string working_dir;                 // empty means "/"
  TimeMs timeout_ms = 30'000;
};

// RenderedAction is one of the executable action kinds.
using RenderedAction = std::variant<HttpAction, CommandAction>;

// CanonicalActionJson is the byte string approvals are bound to: compact JSON with sorted keys of
// the content that decides what the action does (http: method upper-cased, url, headers with
// lower-cased names sorted stably, body; command: argv, env, working_dir). Timeouts are left out:
// they bound how long we wait, not what is sent or run. Two renderings that would send or execute
// the same thing yield the same string.
std::string CanonicalActionJson(const RenderedAction& action);

// ActionContentHash is the lowercase hex SHA-256 of CanonicalActionJson(action).
std::string ActionContentHash(const RenderedAction& action);

}  // namespace vakt::action
