#include "runbook/selector.h"

#include <fmt/format.h>
#include <re2/re2.h>

#include <algorithm>

namespace vakt::runbook {
namespace {

bool IsLiteralChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-' || c == ':' || c == '/' || c == ' ' || c == ',' || c == '@' || c == '=';
}

// SplitLiteralAlternation returns the alternatives of "a|b|c" when every alternative is a
// non-empty literal; otherwise an empty vector.
std::vector<std::string> SplitLiteralAlternation(std::string_view regex) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    const size_t bar = regex.find('|', start);
    const std::string_view part =
        regex.substr(start, bar == std::string_view::npos ? std::string_view::npos : bar - start);
    if (part.empty() || !std::all_of(part.begin(), part.end(), IsLiteralChar)) return {};
    parts.emplace_back(part);
    if (bar == std::string_view::npos) break;
    start = bar + 1;
  }
  std::sort(parts.begin(), parts.end());
  parts.erase(std::unique(parts.begin(), parts.end()), parts.end());
  return parts;
}

}  // namespace

Result<Selector> Selector::Parse(std::string label, std::string_view text) {
  Selector selector;
  selector.label_ = std::move(label);
  if (text.starts_with("!~")) {
    selector.op_ = Op::kNotRegex;
    text.remove_prefix(2);
  } else if (text.starts_with("!")) {
    selector.op_ = Op::kNotEqual;
    text.remove_prefix(1);
  } else if (text.starts_with("~")) {
    selector.op_ = Op::kRegex;
    text.remove_prefix(1);
  } else if (text.starts_with("=")) {
    text.remove_prefix(1);
  }
  selector.value_ = std::string(text);
  if (selector.op_ == Op::kRegex || selector.op_ == Op::kNotRegex) {
    RE2::Options options;
    options.set_log_errors(false);
    auto regex = std::make_shared<const RE2>(selector.value_, options);
    if (!regex->ok()) {
      return Status::InvalidArgument(
          fmt::format("regex \"{}\" does not compile: {}", selector.value_, regex->error()));
    }
    selector.regex_ = std::move(regex);
    selector.exact_ = SplitLiteralAlternation(selector.value_);
    if (selector.op_ == Op::kRegex) selector.literals_ = selector.exact_;
  } else if (selector.op_ == Op::kEqual && !selector.value_.empty()) {
    selector.literals_ = {selector.value_};
  }
  return selector;
}

bool Selector::MatchesValue(std::string_view value) const {
  switch (op_) {
    case Op::kEqual:
      return value == value_;
    case Op::kNotEqual:
      return value != value_;
    case Op::kRegex:
      if (!exact_.empty()) return std::binary_search(exact_.begin(), exact_.end(), value);
      return RE2::FullMatch(value, *regex_);
    case Op::kNotRegex:
      if (!exact_.empty()) return !std::binary_search(exact_.begin(), exact_.end(), value);
      return !RE2::FullMatch(value, *regex_);
  }
  return false;
}

std::string Selector::ToString() const {
  static constexpr const char* kOps[] = {"=", "!=", "=~", "!~"};
  return fmt::format("{}{}\"{}\"", label_, kOps[static_cast<int>(op_)], value_);
}

}  // namespace vakt::runbook
