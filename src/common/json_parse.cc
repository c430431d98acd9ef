#include "common/json_parse.h"

#include "common/redact.h"

#include <fmt/format.h>

#include <string>
#include <utility>
#include <vector>

namespace vakt {
namespace {

using Json = nlohmann::json;

// StrictSax builds the DOM itself (what nlohmann's json_sax_dom_parser does) and adds the checks
// that parser lacks: nesting depth and duplicate keys. Building the DOM here lets the duplicate
// check use the object being built (one map insert per key instead of a map insert plus a
// separate key set per object), and lets strings move from the lexer into the DOM instead of
// being copied. nlohmann's parser is iterative, so a deep document costs no native stack.
class StrictSax {
 public:
  StrictSax(Json& result, const JsonLimits& limits) : root_(result), limits_(limits) {}

  bool null() { return Value(nullptr); }
  bool boolean(bool value) { return Value(value); }
  bool number_integer(Json::number_integer_t value) { return Value(value); }
  bool number_unsigned(Json::number_unsigned_t value) { return Value(value); }
  bool number_float(Json::number_float_t value, const Json::string_t& /*text*/) { return Value(value); }
  // The lexer clears its token buffer before the next token, so its string can be moved.
  bool string(Json::string_t& value) { return Value(std::move(value)); }
  bool binary(Json::binary_t& value) { return Value(std::move(value)); }

  bool start_object(std::size_t /*elements*/) {
    if (!Enter()) return false;
    stack_.push_back(Place(Json::value_t::object));
    return true;
  }
  bool key(Json::string_t& value) {
    auto& object = stack_.back()->get_ref<Json::object_t&>();
    // try_emplace leaves `value` untouched when the key exists.
    auto [slot, inserted] = object.try_emplace(std::move(value));
    if (!inserted && limits_.reject_duplicate_keys) {
      error_ = fmt::format("duplicate key \"{}\"", value);
      return false;
    }
    element_ = &slot->second;  // a repeated key (when allowed) is overwritten: last one wins
    return true;
  }
  bool end_object() {
    stack_.pop_back();
    --depth_;
    return true;
  }
  bool start_array(std::size_t /*elements*/) {
    if (!Enter()) return false;
    stack_.push_back(Place(Json::value_t::array));
    return true;
  }
  bool end_array() {
    stack_.pop_back();
    --depth_;
    return true;
  }
  bool parse_error(std::size_t position, const std::string& /*last_token*/,
                   const nlohmann::detail::exception& ex) {
    // nlohmann's message already says "at line L, column C"; keep its reason part.
    // Its "last read: '...'" part echoes raw (possibly invalid UTF-8) input: drop it, and escape
    // whatever else is not printable so the message is always safe to serialise.
    std::string what = ex.what();
    auto colon = what.find(": ");
    std::string reason = colon == std::string::npos ? what : what.substr(colon + 2);
    if (auto last_read = reason.find("; last read:"); last_read != std::string::npos) {
      reason.resize(last_read);
    }
    error_ = fmt::format("invalid JSON at byte {}: {}", position, PrintableForMessage(reason));
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

  template <typename V>
  bool Value(V&& value) {
    Place(std::forward<V>(value));
    return true;
  }

  // Place stores a value where the document expects the next one and returns where it went.
  template <typename V>
  Json* Place(V&& value) {
    if (stack_.empty()) {
      root_ = Json(std::forward<V>(value));
      return &root_;
    }
    Json* parent = stack_.back();
    if (parent->is_array()) {
      auto& array = parent->get_ref<Json::array_t&>();
      array.emplace_back(std::forward<V>(value));
      return &array.back();
    }
    *element_ = Json(std::forward<V>(value));
    return element_;
  }

  Json& root_;
  const JsonLimits& limits_;
  size_t depth_ = 0;
  std::vector<Json*> stack_;
  Json* element_ = nullptr;
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
