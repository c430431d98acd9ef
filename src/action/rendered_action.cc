#include "action/rendered_action.h"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

#include "common/ascii.h"
#include "common/crypto.h"

namespace vakt::action {
namespace {

std::string Upper(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return text;
}

// StringCodec turns each rendered string into its JSON form: verbatim, or base64 when the action
// holds bytes that are not UTF-8 (so distinct byte strings never collapse into one hash).
using StringCodec = std::string (*)(const std::string&);
std::string Verbatim(const std::string& text) { return text; }
std::string AsBase64(const std::string& text) { return Base64Encode(text); }

nlohmann::json CanonicalHttp(const HttpAction& http, StringCodec codec) {
  std::vector<std::pair<std::string, std::string>> headers;
  headers.reserve(http.headers.size());
  for (const auto& [name, value] : http.headers) {
    headers.emplace_back(codec(AsciiLower(name)), codec(value));
  }
  // Stable: repeated headers keep their relative order, which HTTP gives meaning to.
  std::stable_sort(headers.begin(), headers.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  nlohmann::json header_list = nlohmann::json::array();
  for (const auto& [name, value] : headers) header_list.push_back({name, value});
  return {{"kind", "http"},
          {"method", codec(Upper(http.method))},
          {"url", codec(http.url)},
          {"headers", std::move(header_list)},
          {"body", codec(http.body)}};
}

nlohmann::json CanonicalCommand(const CommandAction& command, StringCodec codec) {
  nlohmann::json argv = nlohmann::json::array();
  for (const auto& arg : command.argv) argv.push_back(codec(arg));
  nlohmann::json env = nlohmann::json::object();
  for (const auto& [name, value] : command.env) env[codec(name)] = codec(value);
  return {{"kind", "command"},
          {"argv", std::move(argv)},
          {"env", std::move(env)},
          {"working_dir", codec(command.working_dir.empty() ? "/" : command.working_dir)}};
}

nlohmann::json Canonical(const RenderedAction& action, StringCodec codec) {
  return std::visit(
      [codec](const auto& concrete) -> nlohmann::json {
        using T = std::decay_t<decltype(concrete)>;
        if constexpr (std::is_same_v<T, HttpAction>) {
          return CanonicalHttp(concrete, codec);
        } else {
          return CanonicalCommand(concrete, codec);
        }
      },
      action);
}

}  // namespace

std::string CanonicalActionJson(const RenderedAction& action) {
  // nlohmann::json objects are std::map-backed, so keys come out sorted.
  try {
    return Canonical(action, &Verbatim).dump();
  } catch (const nlohmann::json::type_error&) {
    // Invalid UTF-8 somewhere: the base64 form carries an "encoding" key, so it can never equal
    // the verbatim form of any other action.
    nlohmann::json encoded = Canonical(action, &AsBase64);
    encoded["encoding"] = "base64";
    return encoded.dump();
  }
}

std::string ActionContentHash(const RenderedAction& action) {
  return Sha256Hex(CanonicalActionJson(action));
}

}  // namespace vakt::action
