#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "model/label_set.h"

namespace re2 {
class RE2;
}

namespace vakt::runbook {

// Selector is one condition on one alert label, with Alertmanager matcher semantics: a missing
// label has the value "", and regexes are fully anchored (^(?:re)$, RE2 syntax).
//
// Text form (the value in a runbook's `detection.match`):
//   "value"   label equals value           "!value"   label does not equal value
//   "~re"     label matches re             "!~re"     label does not match re
//   "=value"  label equals value literally (for values that begin with "=", "!" or "~")
//
// Immutable after Parse; copies share the compiled regex. Safe for concurrent use.
class Selector {
 public:
  enum class Op { kEqual, kNotEqual, kRegex, kNotRegex };

  // Parse reads the text form. InvalidArgument when a regex does not compile (RE2 message).
  static Result<Selector> Parse(std::string label, std::string_view text);

  bool Matches(const LabelSet& labels) const { return MatchesValue(LabelValue(labels, label_)); }
  bool MatchesValue(std::string_view value) const;

  const std::string& label() const { return label_; }
  Op op() const { return op_; }
  // value is the literal (equality) or the regex source without anchors.
  const std::string& value() const { return value_; }
  // ToString renders PromQL-style: alertname="X", model!="y", env=~"prod|stage", team!~"x.*".
  std::string ToString() const;
  // LiteralAlternatives returns the exact values a positive selector can match when it is an
  // equality or a regex that is a plain alternation of literals ("FeatureDrift|PredictionDrift");
  // empty when it cannot be enumerated (negations, real regexes). The matcher indexes these.
  const std::vector<std::string>& literal_alternatives() const { return literals_; }

 private:
  Selector() = default;
  std::string label_;
  Op op_ = Op::kEqual;
  std::string value_;
  std::shared_ptr<const re2::RE2> regex_;
  std::vector<std::string> literals_;
  // exact_ holds the sorted values of a regex that is a plain literal alternation (either regex
  // op); MatchesValue compares against them instead of running RE2, same result, far cheaper.
  std::vector<std::string> exact_;
};

}  // namespace vakt::runbook
