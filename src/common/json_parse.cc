#include "common/json_parse.h"

#include <fmt/format.h>

#include <set>
#include <string>
#include <vector>

namespace vakt {
namespace {

using Json = nlohmann::json;

// StrictSax wraps nlohmann's DOM builder, adding the checks it lacks (depth, duplicate keys).
// nlohmann's parser is iterative, so a deep document costs no native stack.
class StrictSax {
 public:
  StrictSax(Json& result, const JsonLimits& limits) : dom_(result, false), limits_(limits) {}

  bool null() { return dom_.null(); }
  bool boolean(bool value) { return dom_.boolean(value); }
  bool number_integer(Json::number_integer_t value) { return dom_.number_integer(value); }
  bool number_unsigned(Json::number_unsigned_t value) { return dom_.number_unsigned(value); }
  bool number_float(Json::number_float_t value, const Json::string_t& text) {
    return dom_.number_float(value, text);
  }
  bool string(Json::string_t& value) { return dom_.string(value); }
  bool binary(Json::binary_t& value) { return dom_.binary(value); }

  bool start_object(std::size_t elements) {
    if (!Enter()) return false;
    keys_.emplace_back();
    return dom_.start_object(elements);
  }
  bool key(Json::string_t& value) {
    if (limits_.reject_duplicate_keys && !keys_.back().insert(value).second) {
      error_ = fmt::format("duplicate key \"{}\"", value);
      return false;
    }
    return dom_.key(value);
  }
  bool end_object() {
    keys_.pop_back();
    --depth_;
    return dom_.end_object();
  }
  bool start_array(std::size_t elements) {
    if (!Enter()) return false;
    return dom_.start_array(elements);
  }
  bool end_array() {
    --depth_;
    return dom_.end_array();
  }
  bool parse_error(std::size_t position, const std::string& /*last_token*/,
                   const nlohmann::detail::exception& ex) {
    // nlohmann's message already says "at line L, column C"; keep its reason part.
    std::string what = ex.what();
    auto colon = what.find(": ");
    error_ = fmt::format("invalid JSON at byte {}: {}", position,
                         colon == std::string::npos ? what : what.substr(colon + 2));
    return false;
  }

  const std::string& error() const { return error_; }

 private:
  bool Enter() {
    if (++depth_ > limits_.max_depth) {
      error_ = fmt::format("JSON nesting deeper than {} levels", limits_.max_depth);
      return false;
    }
    return true;
  }

  nlohmann::detail::json_sax_dom_parser<Json> dom_;
  const JsonLimits& limits_;
  size_t depth_ = 0;
  std::vector<std::set<std::string>> keys_;
  std::string error_;
};

}  // namespace

Result<nlohmann::json> ParseJsonStrict(std::string_view text, const JsonLimits& limits) {
  Json result;
  StrictSax sax(result, limits);
  bool ok = Json::sax_parse(text.begin(), text.end(), &sax, nlohmann::detail::input_format_t::json,
                            /*strict=*/true);
  if (!ok) {
    return Status::InvalidArgument(sax.error().empty() ? "invalid JSON" : sax.error());
  }
  return result;
}

}  // namespace vakt
