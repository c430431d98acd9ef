#include "action/dry_run.h"

#include <algorithm>
#include <cctype>
#include <string>

#include "common/ascii.h"
#include "common/json_parse.h"

namespace vakt::action {
namespace {

constexpr char kRedacted[] = "<redacted>";

void RedactJson(nlohmann::json& value) {
  if (value.is_object()) {
    for (auto& [key, member] : value.items()) {
      if (IsSecretName(key)) {
        member = kRedacted;
      } else {
        RedactJson(member);
      }
    }
  } else if (value.is_array()) {
    for (auto& element : value) RedactJson(element);
  }
}

// RedactUrl hides a userinfo password and secret-looking query values; the rest stays as is.
std::string RedactUrl(const std::string& url) {
  std::string out = url;
  auto scheme_end = out.find("://");
  if (scheme_end != std::string::npos) {
    auto authority_start = scheme_end + 3;
    auto authority_end = out.find_first_of("/?#", authority_start);
    if (authority_end == std::string::npos) authority_end = out.size();
    auto at = out.rfind('@', authority_end);
    if (at != std::string::npos && at > authority_start) {
      auto colon = out.find(':', authority_start);
      if (colon != std::string::npos && colon < at) {
        out.replace(colon + 1, at - colon - 1, kRedacted);
      }
    }
  }
  auto query = out.find('?');
  if (query == std::string::npos) return out;
  auto fragment = out.find('#', query);
  std::string head = out.substr(0, query + 1);
  std::string params = out.substr(
      query + 1, fragment == std::string::npos ? std::string::npos : fragment - query - 1);
  std::string tail = fragment == std::string::npos ? "" : out.substr(fragment);
  std::string rebuilt;
  size_t start = 0;
  while (start <= params.size()) {
    auto amp = params.find('&', start);
    std::string pair =
        params.substr(start, amp == std::string::npos ? std::string::npos : amp - start);
    auto eq = pair.find('=');
    if (eq != std::string::npos && IsSecretName(pair.substr(0, eq))) {
      pair = pair.substr(0, eq + 1) + kRedacted;
    }
    rebuilt += pair;
    if (amp == std::string::npos) break;
    rebuilt += '&';
    start = amp + 1;
  }
  return head + rebuilt + tail;
}

nlohmann::json DescribeHttp(const HttpAction& http) {
  nlohmann::json headers = nlohmann::json::array();
  for (const auto& [name, value] : http.headers) {
    headers.push_back({name, IsSecretName(name) ? std::string(kRedacted) : value});
  }
  nlohmann::json body = http.body;
  if (!http.body.empty()) {
    if (auto parsed = ParseJsonStrict(http.body); parsed.ok()) {
      body = std::move(parsed).value();
      RedactJson(body);
    }
  }
  std::string method = http.method;
  std::transform(method.begin(), method.end(), method.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return {{"kind", "http"},
          {"method", method},
          {"url", RedactUrl(http.url)},
          {"headers", std::move(headers)},
          {"body", std::move(body)},
          {"timeout_ms", http.timeout_ms}};
}

nlohmann::json DescribeCommand(const CommandAction& command) {
  nlohmann::json env_names = nlohmann::json::array();
  for (const auto& [name, value] : command.env) env_names.push_back(name);
  return {{"kind", "command"},
          {"argv", command.argv},
          {"env_names", std::move(env_names)},
          {"working_dir", command.working_dir.empty() ? "/" : command.working_dir},
          {"timeout_ms", command.timeout_ms}};
}

}  // namespace

bool IsSecretName(std::string_view name) {
  static constexpr std::string_view kMarkers[] = {
      "authorization", "cookie",      "token",       "secret",  "password",
      "passwd",        "api-key",     "api_key",     "apikey",  "credential",
      "signature",     "private-key", "private_key", "session", "x-auth"};
  const std::string lower = AsciiLower(name);
  return std::any_of(std::begin(kMarkers), std::end(kMarkers), [&lower](std::string_view marker) {
    return lower.find(marker) != std::string::npos;
  });
}

nlohmann::json DescribeAction(const RenderedAction& action) {
  nlohmann::json description = std::visit(
      [](const auto& concrete) -> nlohmann::json {
        using T = std::decay_t<decltype(concrete)>;
        if constexpr (std::is_same_v<T, HttpAction>) {
          return DescribeHttp(concrete);
        } else {
          return DescribeCommand(concrete);
        }
      },
      action);
  description["content_hash"] = ActionContentHash(action);
  return description;
}

}  // namespace vakt::action
