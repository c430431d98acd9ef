#include "diagnose/infrastructure.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <string_view>

#include "common/time_format.h"

namespace vakt::diagnose {
namespace {

bool IsIdentStart(char ch) { return std::isalpha(static_cast<unsigned char>(ch)) || ch == '_' || ch == ':'; }
bool IsIdentChar(char ch) { return IsIdentStart(ch) || std::isdigit(static_cast<unsigned char>(ch)); }

bool IsKeyword(std::string_view word) {
  static constexpr std::array<std::string_view, 12> kKeywords = {
      "by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or",
      "unless", "offset", "atan2"};
  return std::find(kKeywords.begin(), kKeywords.end(), word) != kKeywords.end();
}

bool ContainsAny(const std::string& text, std::initializer_list<std::string_view> needles) {
  for (std::string_view needle : needles) {
    if (text.find(needle) != std::string::npos) return true;
  }
  return false;
}

std::string Lower(std::string text) {
  for (char& ch : text) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return text;
}

// Aggregation operators may be followed by `by (...)` rather than their argument list.
bool IsAggregation(std::string_view word) {
  static constexpr std::array<std::string_view, 12> kAggregations = {
      "sum", "min", "max", "avg", "group", "stddev", "stdvar", "count", "count_values",
      "bottomk", "topk", "quantile"};
  return std::find(kAggregations.begin(), kAggregations.end(), word) != kAggregations.end();
}

}  // namespace

std::optional<PromCondition> ParseTrailingCondition(const std::string& expr) {
  // Walk the expression tracking nesting and quotes; remember the last comparison at depth 0.
  int depth = 0;
  char quote = 0;
  std::optional<std::pair<size_t, std::string>> last;
  for (size_t at = 0; at < expr.size(); ++at) {
    const char ch = expr[at];
    if (quote != 0) {
      if (ch == '\\') ++at;
      else if (ch == quote) quote = 0;
      continue;
    }
    if (ch == '"' || ch == '\'' || ch == '`') { quote = ch; continue; }
    if (ch == '(' || ch == '{' || ch == '[') { ++depth; continue; }
    if (ch == ')' || ch == '}' || ch == ']') { --depth; continue; }
    if (depth != 0) continue;
    const std::string_view rest(expr.data() + at, expr.size() - at);
    for (std::string_view op : {"==", "!=", ">=", "<=", ">", "<"}) {
      if (rest.substr(0, op.size()) == op) {
        last = {at + op.size(), std::string(op)};
        at += op.size() - 1;
        break;
      }
    }
  }
  if (!last) return std::nullopt;
  std::string tail = expr.substr(last->first);
  const size_t begin = tail.find_first_not_of(" \t\n");
  if (begin == std::string::npos) return std::nullopt;
  tail = tail.substr(begin);
  if (tail.rfind("bool", 0) == 0) tail = tail.substr(4);
  try {
    size_t used = 0;
    const double threshold = std::stod(tail, &used);
    if (tail.find_first_not_of(" \t\n", used) != std::string::npos) return std::nullopt;
    return PromCondition{last->second, threshold};
  } catch (const std::exception&) {
    return std::nullopt;  // compares with another expression, not a constant
  }
}

std::string MetricNameOf(const std::string& expr) {
  int brace_depth = 0;
  char quote = 0;
  for (size_t at = 0; at < expr.size();) {
    const char ch = expr[at];
    if (quote != 0) {
      if (ch == '\\') ++at;
      else if (ch == quote) quote = 0;
      ++at;
      continue;
    }
    if (ch == '"' || ch == '\'' || ch == '`') { quote = ch; ++at; continue; }
    if (ch == '{') { ++brace_depth; ++at; continue; }
    if (ch == '}') { --brace_depth; ++at; continue; }
    if (ch == '[') {  // range or subquery: [5m], [1h:1m]
      const size_t close = expr.find(']', at);
      at = close == std::string::npos ? expr.size() : close + 1;
      continue;
    }
    if (brace_depth > 0 || !IsIdentStart(ch) ||
        (at > 0 && (IsIdentChar(expr[at - 1]) || expr[at - 1] == '.'))) {
      ++at;
      continue;
    }
    size_t end = at;
    while (end < expr.size() && IsIdentChar(expr[end])) ++end;
    const std::string word = expr.substr(at, end - at);
    size_t next = end;
    while (next < expr.size() && std::isspace(static_cast<unsigned char>(expr[next]))) ++next;
    if (IsKeyword(word)) {
      // by (pod), on (instance): skip the label list.
      if (next < expr.size() && expr[next] == '(') {
        const size_t close = expr.find(')', next);
        at = close == std::string::npos ? expr.size() : close + 1;
      } else {
        at = end;
      }
      continue;
    }
    if (IsAggregation(word) || (next < expr.size() && expr[next] == '(')) {  // a function call
      at = end;
      continue;
    }
    if (word == "inf" || word == "nan" || word == "Inf" || word == "NaN") {
      at = end;
      continue;
    }
    return word;
  }
  return "";
}

std::string InfraCategoryOf(const std::string& expr) {
  const std::string metric = MetricNameOf(expr);
  const std::string text = Lower(expr);
  if (metric == "up" || metric == "probe_success") return "availability";
  if (ContainsAny(text, {"code=~\"5", "code=~'5", "status=~\"5", "error", "5xx", "fail"})) {
    return "errors";
  }
  if (ContainsAny(text, {"latency", "duration", "histogram_quantile", "_seconds_bucket"})) {
    return "latency";
  }
  if (ContainsAny(text, {"cpu", "throttl", "memory", "saturation", "lag", "queue", "restarts",
                         "last_update", "connected"})) {
    return "saturation";
  }
  return "other";
}

TimeMs StepFor(const InfraWindow& window) {
  const TimeMs span = std::max<TimeMs>(0, window.end - window.start);
  const TimeMs points = static_cast<TimeMs>(std::max<size_t>(1, window.max_points));
  return std::max(window.min_step_ms, (span + points - 1) / points);
}

InfraOutcome InfraOutcomeFromResult(const std::string& query, const PromQueryResult& result) {
  InfraOutcome outcome;
  outcome.query = query;
  outcome.category = InfraCategoryOf(query);
  const std::string metric = MetricNameOf(query);
  outcome.finding.metric = metric.empty() ? outcome.category : metric;
  const std::optional<PromCondition> condition = ParseTrailingCondition(query);
  const bool want_min = condition && (condition->op == "<" || condition->op == "<=");
  // Worst value per series, in the direction the condition looks for (latest without one).
  for (const PromSeries& series : result.series) {
    const PromSample* worst = nullptr;
    for (const PromSample& sample : series.samples) {
      if (std::isnan(sample.value)) continue;
      if (worst == nullptr || !condition) {
        worst = &sample;
      } else if (want_min ? sample.value < worst->value : sample.value > worst->value) {
        worst = &sample;
      }
    }
    if (worst == nullptr) continue;
    outcome.series.push_back({series.labels, worst->value, worst->time});
  }
  outcome.series_count = outcome.series.size();
  std::stable_sort(outcome.series.begin(), outcome.series.end(),
                   [want_min](const InfraSeriesValue& a, const InfraSeriesValue& b) {
                     return want_min ? a.value < b.value : a.value > b.value;
                   });
  if (outcome.series.size() > 20) outcome.series.resize(20);
  if (condition) {
    outcome.finding.threshold = condition->threshold;
    outcome.finding.breached = !outcome.series.empty();
    outcome.finding.value = outcome.series.empty() ? 0 : outcome.series.front().value;
    outcome.finding.description =
        outcome.finding.breached
            ? std::to_string(outcome.series_count) + " series matched `" + query +
                  "` in the incident window"
            : "`" + query + "` matched nothing in the incident window";
  } else {
    outcome.finding.breached = false;
    outcome.finding.value = outcome.series.empty() ? 0 : outcome.series.front().value;
    outcome.finding.description = "`" + query + "` has no comparison; value reported, not judged";
  }
  return outcome;
}

std::vector<InfraOutcome> EvaluateInfrastructure(const PrometheusClient& client,
                                                 const std::vector<std::string>& queries,
                                                 const InfraWindow& window) {
  std::vector<InfraOutcome> outcomes;
  const TimeMs step = StepFor(window);
  // Evaluate at the window's end and every step back from it, so the newest samples (a target
  // that died a moment ago) are always inside the answer.
  const TimeMs steps = (std::max<TimeMs>(0, window.end - window.start) + step - 1) / step;
  const TimeMs start = window.end - steps * step;
  for (const std::string& query : queries) {
    Result<PromQueryResult> result = client.QueryRange(query, start, window.end, step);
    if (!result.ok()) {
      InfraOutcome failed;
      failed.query = query;
      failed.category = InfraCategoryOf(query);
      const std::string metric = MetricNameOf(query);
      failed.finding.metric = metric.empty() ? failed.category : metric;
      failed.finding.description = "not evaluated: " + result.status().message();
      failed.error = result.status().ToString();
      outcomes.push_back(std::move(failed));
      continue;
    }
    outcomes.push_back(InfraOutcomeFromResult(query, *result));
  }
  return outcomes;
}

nlohmann::json InfraOutcomeToJson(const InfraOutcome& outcome) {
  nlohmann::json series = nlohmann::json::array();
  for (const InfraSeriesValue& value : outcome.series) {
    nlohmann::json labels = nlohmann::json::object();
    for (const auto& [name, text] : value.labels) labels[name] = text;
    series.push_back({{"labels", labels},
                      {"value", std::isfinite(value.value) ? nlohmann::json(value.value)
                                                           : nlohmann::json(std::to_string(value.value))},
                      {"time", FormatRfc3339(value.time)}});
  }
  nlohmann::json out = {{"query", outcome.query},
                        {"category", outcome.category},
                        {"metric", outcome.finding.metric},
                        {"breached", outcome.finding.breached},
                        {"value", std::isfinite(outcome.finding.value)
                                      ? nlohmann::json(outcome.finding.value)
                                      : nlohmann::json(std::to_string(outcome.finding.value))},
                        {"threshold", outcome.finding.threshold},
                        {"description", outcome.finding.description},
                        {"series_count", outcome.series_count},
                        {"series", series}};
  if (!outcome.error.empty()) out["error"] = outcome.error;
  return out;
}

}  // namespace vakt::diagnose
