#include "api/matcher.h"

#include <re2/re2.h>

namespace vakt::api {
namespace {

std::string Trim(const std::string& text) {
  size_t begin = text.find_first_not_of(" \t");
  size_t end = text.find_last_not_of(" \t");
  return begin == std::string::npos ? "" : text.substr(begin, end - begin + 1);
}

Result<std::string> Unquote(const std::string& raw) {
  std::string text = Trim(raw);
  if (text.size() < 2 || text.front() != '"' || text.back() != '"') return text;
  std::string out;
  for (size_t idx = 1; idx + 1 < text.size(); ++idx) {
    char c = text[idx];
    if (c == '\\' && idx + 2 < text.size()) {
      char next = text[++idx];
      out += next == 'n' ? '\n' : next == 't' ? '\t' : next;
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

Result<LabelMatcher> LabelMatcher::Parse(const std::string& text) {
  size_t op_pos = text.find_first_of("=!");
  if (op_pos == std::string::npos || op_pos == 0) {
    return Status::InvalidArgument("bad matcher \"" + text + "\": expected name=value");
  }
  LabelMatcher matcher;
  matcher.name_ = Trim(text.substr(0, op_pos));
  size_t value_pos = 0;
  if (text.compare(op_pos, 2, "=~") == 0) {
    matcher.op_ = Op::kRegex;
    value_pos = op_pos + 2;
  } else if (text.compare(op_pos, 2, "!~") == 0) {
    matcher.op_ = Op::kNotRegex;
    value_pos = op_pos + 2;
  } else if (text.compare(op_pos, 2, "!=") == 0) {
    matcher.op_ = Op::kNotEqual;
    value_pos = op_pos + 2;
  } else if (text[op_pos] == '=') {
    matcher.op_ = Op::kEqual;
    value_pos = op_pos + 1;
  } else {
    return Status::InvalidArgument("bad matcher \"" + text + "\": unknown operator");
  }
  VAKT_ASSIGN_OR_RETURN(matcher.value_, Unquote(text.substr(value_pos)));
  if (matcher.op_ == Op::kRegex || matcher.op_ == Op::kNotRegex) {
    RE2::Options options;
    options.set_log_errors(false);
    matcher.regex_ = std::make_shared<re2::RE2>("^(?:" + matcher.value_ + ")$", options);
    if (!matcher.regex_->ok()) {
      return Status::InvalidArgument("bad matcher \"" + text + "\": " + matcher.regex_->error());
    }
  }
  return matcher;
}

Result<std::vector<LabelMatcher>> LabelMatcher::ParseList(const std::string& raw) {
  std::string text = Trim(raw);
  if (!text.empty() && text.front() == '{' && text.back() == '}') {
    text = text.substr(1, text.size() - 2);
  }
  std::vector<LabelMatcher> matchers;
  std::string current;
  bool quoted = false;
  for (size_t idx = 0; idx <= text.size(); ++idx) {
    char c = idx < text.size() ? text[idx] : ',';
    if (c == '\\' && quoted && idx + 1 < text.size()) {
      current += c;
      current += text[++idx];
      continue;
    }
    if (c == '"') quoted = !quoted;
    if (c == ',' && !quoted) {
      if (!Trim(current).empty()) {
        VAKT_ASSIGN_OR_RETURN(auto matcher, Parse(current));
        matchers.push_back(std::move(matcher));
      }
      current.clear();
    } else {
      current += c;
    }
  }
  if (quoted) return Status::InvalidArgument("bad matchers \"" + raw + "\": unterminated quote");
  return matchers;
}

bool LabelMatcher::Matches(const LabelSet& labels) const {
  std::string_view value = LabelValue(labels, name_);
  switch (op_) {
    case Op::kEqual:
      return value == value_;
    case Op::kNotEqual:
      return value != value_;
    case Op::kRegex:
      return RE2::FullMatch(value, *regex_);
    case Op::kNotRegex:
      return !RE2::FullMatch(value, *regex_);
  }
  return false;
}

}  // namespace vakt::api
