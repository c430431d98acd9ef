#include "stabilise/step_runner.h"

#include <cstdlib>

#include "action/action_executor.h"
#include "common/time_format.h"

namespace vakt::stabilise {
namespace {

using action::StepState;

constexpr size_t kExcerptBytes = 4096;

std::string Excerpt(const std::string& text) {
  return text.size() <= kExcerptBytes ? text : text.substr(0, kExcerptBytes) + "…";
}

std::string PercentEncode(const std::string& text) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

std::string PrometheusBase(const StepRunnerDeps& deps) {
  if (!deps.prometheus_url.empty()) return deps.prometheus_url;
  const char* env = std::getenv("PROMETHEUS_URL");
  return env == nullptr ? "" : env;
}

// PrometheusUrl builds an instant (range_ms == 0) or range query URL ending now.
std::string PrometheusUrl(const std::string& base, const std::string& query, TimeMs range_ms,
                          TimeMs now) {
  if (range_ms <= 0) return base + "/api/v1/query?query=" + PercentEncode(query);
  const TimeMs step_ms = std::max<TimeMs>(15'000, range_ms / 250);
  return base + "/api/v1/query_range?query=" + PercentEncode(query) +
         "&start=" + std::to_string((now - range_ms) / 1000) + "&end=" + std::to_string(now / 1000) +
         "&step=" + std::to_string(step_ms / 1000);
}

Result<action::HttpOutcome> HttpGet(const StepRunnerDeps& deps, const std::string& url,
                                    const std::string& key) {
  if (!deps.http) return Status::FailedPrecondition("http actions are not enabled");
  action::HttpAction get;
  get.method = "GET";
  get.url = url;
  get.timeout_ms = 10'000;
  return deps.http->Execute(get, key);
}

Result<std::string> Store(const StepRunnerDeps& deps, const Incident& incident,
                          const std::string& step_id, const std::string& collector,
                          const std::string& name, const std::string& source,
                          const std::string& content_type, const std::string& actor,
                          const std::string& bytes) {
  if (deps.evidence == nullptr) return Status::FailedPrecondition("no evidence store");
  evidence::EvidenceMetadata metadata;
  metadata.incident_id = incident.Key();
  metadata.step_id = step_id;
  metadata.collector = collector;
  metadata.name = name;
  metadata.source = source;
  metadata.content_type = content_type.empty() ? "application/octet-stream" : content_type;
  metadata.created_by = actor;
  metadata.time = deps.clock->NowMs();
  return deps.evidence->Put(bytes, metadata);
}

std::string ContentType(const action::HttpOutcome& outcome) {
  for (const auto& [name, value] : outcome.headers) {
    if (name == "content-type") return value;
  }
  return "";
}

RunOutcome Capture(const runbook::Step& step, const RenderedStep& rendered,
                   const Incident& incident, const std::string& execution_id,
                   const std::string& actor, const StepRunnerDeps& deps) {
  RunOutcome result;
  std::vector<std::string> failures;
  int index = 0;
  for (const RenderedCapture& source : rendered.captures) {
    const std::string key = execution_id + "-" + std::to_string(index++);
    Result<std::string> stored = Status::Internal("not captured");
    if (source.kind == runbook::CaptureSource::Kind::kCommand) {
      if (!deps.command) {
        stored = Status::FailedPrecondition("command actions are not enabled");
      } else {
        action::CommandAction command;
        command.argv = source.argv;
        command.timeout_ms = step.timeout_ms > 0 ? step.timeout_ms : 60'000;
        auto outcome = deps.command->Run(command);
        if (!outcome.ok()) {
          stored = outcome.status();
        } else {
          std::string argv_text;
          for (const auto& arg : source.argv) argv_text += (argv_text.empty() ? "" : " ") + arg;
          stored = Store(deps, incident, step.id, "command", source.name, argv_text, "text/plain",
                         actor, outcome->stdout_data);
          if (stored.ok() && !outcome->Succeeded()) {
            failures.push_back(source.name + ": exit " + std::to_string(outcome->exit_code));
          }
        }
      }
    } else {
      std::string url = source.url;
      std::string collector = "http";
      if (source.kind == runbook::CaptureSource::Kind::kPrometheus) {
        const std::string base = PrometheusBase(deps);
        if (base.empty()) {
          failures.push_back(source.name + ": no Prometheus URL configured");
          continue;
        }
        url = PrometheusUrl(base, source.query, source.range_ms, deps.clock->NowMs());
        collector = "prometheus";
      }
      auto outcome = HttpGet(deps, url, key);
      if (!outcome.ok()) {
        stored = outcome.status();
      } else if (!outcome->Succeeded()) {
        stored = Status::Unavailable("HTTP " + std::to_string(outcome->status_code));
      } else {
        stored = Store(deps, incident, step.id, collector, source.name,
                       collector == "prometheus" ? source.query : url, ContentType(*outcome),
                       actor, outcome->body);
      }
    }
    if (stored.ok()) {
      result.evidence.push_back(*stored);
    } else {
      failures.push_back(source.name + ": " + stored.status().ToString());
    }
  }
  result.outcome = failures.empty() ? StepState::kSucceeded : StepState::kFailed;
  result.summary = std::to_string(result.evidence.size()) + " of " +
                   std::to_string(rendered.captures.size()) + " sources captured";
  for (const auto& failure : failures) result.output += failure + "\n";
  return result;
}

// SampleCheck reads the check's current value: (holds, description).
Result<std::pair<bool, std::string>> SampleCheck(const RenderedCheck& check,
                                                 const std::string& key,
                                                 const StepRunnerDeps& deps) {
  if (!check.prometheus.empty()) {
    const std::string base = PrometheusBase(deps);
    if (base.empty()) return Status::FailedPrecondition("no Prometheus URL configured");
    VAKT_ASSIGN_OR_RETURN(auto outcome,
                          HttpGet(deps, PrometheusUrl(base, check.prometheus, 0, 0), key));
    if (!outcome.Succeeded()) {
      return Status::Unavailable("Prometheus answered HTTP " + std::to_string(outcome.status_code));
    }
    try {
      auto body = nlohmann::json::parse(outcome.body);
      const auto& series = body.at("data").at("result");
      if (!series.is_array() || series.empty()) return std::make_pair(false, std::string("no data"));
      const std::string text = series.at(0).at("value").at(1).get<std::string>();
      const double value = std::stod(text);
      VAKT_ASSIGN_OR_RETURN(bool holds, EvaluateCondition(check.condition, value));
      return std::make_pair(holds, "value " + text);
    } catch (const std::exception& error) {
      return Status::InvalidArgument(std::string("unreadable Prometheus answer: ") + error.what());
    }
  }
  VAKT_ASSIGN_OR_RETURN(auto outcome, HttpGet(deps, check.http_url, key));
  return std::make_pair(outcome.Succeeded(), "HTTP " + std::to_string(outcome.status_code));
}

RunOutcome Check(const RenderedCheck& check, const std::string& execution_id,
                 const StepRunnerDeps& deps) {
  RunOutcome result;
  const TimeMs start = deps.clock->NowMs();
  const TimeMs interval = std::max<TimeMs>(check.interval_ms, 100);
  TimeMs held_since = -1;
  std::string last;
  // Bounded by the step's timeout and by the service stopping (sleep returns false).
  for (int sample = 0;; ++sample) {
    auto sampled = SampleCheck(check, execution_id + "-" + std::to_string(sample), deps);
    const TimeMs now = deps.clock->NowMs();
    if (sampled.ok() && sampled->first) {
      if (held_since < 0) held_since = now;
      if (now - held_since >= check.for_ms) {
        result.outcome = StepState::kSucceeded;
        result.summary = "condition held for " + std::to_string(now - held_since) + " ms (" +
                         sampled->second + ")";
        return result;
      }
    } else {
      held_since = -1;
    }
    last = sampled.ok() ? sampled->second : sampled.status().ToString();
    result.output += FormatRfc3339(now) + " " + last + "\n";
    if (result.output.size() > kExcerptBytes) result.output.erase(0, result.output.size() - kExcerptBytes);
    if (now - start >= check.timeout_ms || !deps.sleep(interval)) break;
  }
  result.outcome = StepState::kTimedOut;
  result.summary = "condition did not hold in time (last: " + last + ")";
  return result;
}

}  // namespace

Result<bool> EvaluateCondition(const std::string& condition, double value) {
  if (condition.empty()) return true;
  size_t at = 0;
  while (at < condition.size() && std::string("<>=!").find(condition[at]) != std::string::npos) ++at;
  const std::string op = condition.substr(0, at);
  double threshold = 0;
  try {
    threshold = std::stod(condition.substr(at));
  } catch (const std::exception&) {
    return Status::InvalidArgument("check condition \"" + condition + "\": no number");
  }
  if (op == "<") return value < threshold;
  if (op == "<=") return value <= threshold;
  if (op == ">") return value > threshold;
  if (op == ">=") return value >= threshold;
  if (op == "==") return value == threshold;
  if (op == "!=") return value != threshold;
  return Status::InvalidArgument("check condition \"" + condition + "\": operator must be one of "
                                 "< <= > >= == !=");
}

RunOutcome ExecuteStep(const runbook::Step& step, const RenderedStep& rendered,
                       const Incident& incident, const std::string& execution_id,
                       const std::string& actor, const StepRunnerDeps& deps) {
  if (rendered.executable) {
    action::StandardActionExecutor executor(deps.http, deps.command);
    auto result = executor.Execute(*rendered.executable, execution_id);
    if (!result.ok()) {
      return {StepState::kFailed, "refused: " + result.status().ToString(), "", {}};
    }
    RunOutcome outcome{result->outcome, result->summary, Excerpt(result->output), {}};
    if (!result->output.empty()) {
      auto stored = Store(deps, incident, step.id, rendered.kind, step.id + "-output",
                          rendered.kind == "http" ? std::string(rendered.preview.value("url", ""))
                                                  : std::string("argv"),
                          result->content_type, actor, result->output);
      if (stored.ok()) outcome.evidence.push_back(*stored);
    }
    return outcome;
  }
  if (rendered.kind == "capture") {
    return Capture(step, rendered, incident, execution_id, actor, deps);
  }
  if (rendered.kind == "check") return Check(rendered.check, execution_id, deps);
  if (rendered.kind == "wait") {
    if (!deps.sleep(rendered.wait_ms)) {
      return {StepState::kOutcomeUnknown, "vakt stopped during the wait", "", {}};
    }
    return {StepState::kSucceeded, "waited " + std::to_string(rendered.wait_ms) + " ms", "", {}};
  }
  if (rendered.kind == "diagnose") {
    const auto* config = std::get_if<runbook::DiagnoseConfig>(&step.action);
    if (!deps.diagnose || config == nullptr) {
      return {StepState::kFailed, "diagnose steps are not wired in this build", "", {}};
    }
    auto report = deps.diagnose(incident, *config);
    if (!report.ok()) return {StepState::kFailed, report.status().ToString(), "", {}};
    RunOutcome outcome{StepState::kSucceeded, "diagnosis stored", Excerpt(report->dump()), {}};
    auto stored = Store(deps, incident, step.id, "diagnose", step.id, "diagnose",
                        "application/json", actor, report->dump());
    if (stored.ok()) outcome.evidence.push_back(*stored);
    return outcome;
  }
  return {StepState::kFailed, "step kind " + rendered.kind + " has no automatic run", "", {}};
}

}  // namespace vakt::stabilise
