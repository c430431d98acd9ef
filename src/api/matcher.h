#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "model/label_set.h"

namespace re2 {
class RE2;
}

namespace vakt::api {

// LabelMatcher is an Alertmanager matcher (`name="v"`, `name!="v"`, `name=~"re"`, `name!~"re"`)
// as amtool and the API filters send them. Regexes are RE2, fully anchored; a missing label is "".
// Immutable after parsing; safe to share across threads.
class LabelMatcher {
 public:
  enum class Op { kEqual, kNotEqual, kRegex, kNotRegex };
  // Parse reads one matcher; values may be quoted (Go escapes) or bare.
  static Result<LabelMatcher> Parse(const std::string& text);
  // ParseList reads "{a=\"1\",b=~\"x.*\"}" or a single matcher.
  static Result<std::vector<LabelMatcher>> ParseList(const std::string& text);

  bool Matches(const LabelSet& labels) const;
  const std::string& name() const { return name_; }

 private:
  std::string name_;
  Op op_ = Op::kEqual;
  std::string value_;
  std::shared_ptr<re2::RE2> regex_;
};

}  // namespace vakt::api
