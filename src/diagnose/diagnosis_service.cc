#include "diagnose/diagnosis_service.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "common/time_format.h"
#include "diagnose/data_source.h"
#include "diagnose/drift_report.h"
#include "diagnose/infrastructure.h"
#include "diagnose/metric_regression.h"
#include "diagnose/regression.h"
#include "diagnose/runbook_drift.h"
#include "diagnose/table_reader.h"
#include "diagnose/triage.h"

namespace vakt::diagnose {
namespace {

std::string Fmt(const char* format, double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), format, value);
  return buffer;
}

// Accumulates what a diagnosis could not do, by section, for the result and the report.
struct Notes {
  nlohmann::json skipped = nlohmann::json::array();
  nlohmann::json errors = nlohmann::json::array();
  void Skip(const std::string& section, const std::string& reason) {
    skipped.push_back({{"section", section}, {"reason", reason}});
  }
  void Error(const std::string& section, const Status& status) {
    errors.push_back({{"section", section}, {"error", status.ToString()}});
  }
};

// DeploymentFromContext reads the snapshot's last deployment and change window.
struct DeploymentContext {
  DeploymentFacts facts;
  std::optional<TimeMs> deployed_at;
  nlohmann::json json = nlohmann::json::object();
};

DeploymentContext ReadDeployment(const nlohmann::json& context, TimeMs incident_start) {
  DeploymentContext out;
  if (context.contains("change_window") && context["change_window"].is_object()) {
    out.facts.inside_change_window = context["change_window"].value("inside", false);
  }
  out.json["inside_change_window"] = out.facts.inside_change_window;
  out.json["deployed_version"] = context.value("deployed_version", std::string());
  out.json["previous_version"] = context.value("previous_version", std::string());
  if (context.contains("last_deployment") && context["last_deployment"].is_object()) {
    const nlohmann::json& last = context["last_deployment"];
    out.facts.last_deploy = last.value("version", std::string());
    auto at = ParseRfc3339(last.value("timestamp", std::string()));
    if (at.ok()) {
      out.deployed_at = *at;
      out.json["last_deployment"] = last;
      // A deployment after the incident began cannot have caused it.
      if (*at <= incident_start) {
        out.facts.since_last_deploy_ms = incident_start - *at;
        out.json["before_incident_ms"] = incident_start - *at;
        out.json["before_incident"] = FormatDuration(incident_start - *at);
      } else {
        out.json["after_incident_start"] = true;
      }
    }
  }
  return out;
}

struct DriftOutcome {
  DriftSummary summary;
  nlohmann::json json;
};

Result<DriftOutcome> RunDrift(const runbook::DriftConfig& config, const std::string& data_dir) {
  VAKT_ASSIGN_OR_RETURN(std::string reference, ResolveDataFile(data_dir, config.reference));
  VAKT_ASSIGN_OR_RETURN(std::string current, ResolveDataFile(data_dir, config.current));
  TableSchema schema;
  schema.columns = config.features;
  for (const std::string* path : {&reference, &current}) {
    VAKT_ASSIGN_OR_RETURN(auto categorical, SniffCategoricalColumns(*path));
    schema.categorical.insert(categorical.begin(), categorical.end());
  }
  if (!schema.columns.empty()) {
    // Only the requested features can be categorical (the reader insists on known columns).
    std::set<std::string, std::less<>> kept;
    for (const std::string& name : schema.columns) {
      if (schema.categorical.count(name)) kept.insert(name);
    }
    schema.categorical = std::move(kept);
  }
  VAKT_ASSIGN_OR_RETURN(Table reference_table, ReadTable(reference, schema));
  VAKT_ASSIGN_OR_RETURN(Table current_table, ReadTable(current, schema));
  VAKT_ASSIGN_OR_RETURN(DriftReport report,
                        CompareTables(std::move(reference_table), std::move(current_table), {}));
  VAKT_RETURN_IF_ERROR(ApplyDriftMethod(report, config.method, config.threshold));
  DriftOutcome out;
  out.summary = SummarizeDrift(report);
  out.json = DriftReportToJson(report);
  out.json["reference"] = config.reference;
  out.json["current"] = config.current;
  out.json["method"] = config.method;
  out.json["threshold"] = config.threshold;
  out.json["histograms"] = DriftHistogramsToJson(report);
  return out;
}

// MetricFromRange averages the series of a range answer per timestamp (one quality series even
// when the query returns one per replica).
std::vector<MetricPoint> MetricFromRange(const PromQueryResult& result) {
  std::map<TimeMs, std::pair<double, int>> by_time;
  for (const PromSeries& series : result.series) {
    for (const PromSample& sample : series.samples) {
      if (!std::isfinite(sample.value)) continue;
      auto& [sum, count] = by_time[sample.time];
      sum += sample.value;
      ++count;
    }
  }
  std::vector<MetricPoint> points;
  for (const auto& [time, sum_count] : by_time) {
    points.push_back({time, sum_count.first / sum_count.second});
  }
  return points;
}

std::string ReportText(const storage::StoredDiagnosis& stored, const nlohmann::json& result) {
  std::ostringstream out;
  out << "Diagnosis of INC-" << stored.incident_id << " (runbook "
      << result["runbook"].value("id", std::string()) << " v"
      << result["runbook"].value("version", 0) << ", " << result.value("origin", std::string())
      << ")\n";
  out << "Window: " << result["window"].value("start", std::string()) << " .. "
      << result["window"].value("end", std::string()) << "\n\n";
  const nlohmann::json& hypotheses = result["hypotheses"];
  if (!hypotheses.empty()) {
    const nlohmann::json& best = hypotheses[0];
    out << "Most likely root cause: " << best["cause"].get<std::string>() << " (score "
        << Fmt("%.2f", best["score"].get<double>()) << ")\n  "
        << best["explanation"].get<std::string>() << "\n";
    for (const auto& evidence : best["evidence"])
      out << "  - " << evidence.get<std::string>() << "\n";
  }
  out << "\nRanked hypotheses:\n";
  int rank = 0;
  for (const auto& h : hypotheses) {
    out << "  " << ++rank << ". " << h["cause"].get<std::string>() << "  "
        << Fmt("%.2f", h["score"].get<double>()) << "  " << h["explanation"].get<std::string>()
        << "\n";
  }
  if (result.contains("infrastructure")) {
    out << "\nInfrastructure (Prometheus):\n";
    for (const auto& q : result["infrastructure"]["findings"]) {
      const bool failed = q.contains("error");
      out << "  ["
          << (failed                      ? "ERROR"
              : q["breached"].get<bool>() ? "BREACHED"
                                          : "ok")
          << "] " << q["query"].get<std::string>();
      if (!failed) out << "  (" << q["series_count"].get<size_t>() << " series)";
      out << "\n";
      if (failed) out << "      " << q["error"].get<std::string>() << "\n";
    }
  }
  if (result.contains("drift")) {
    const nlohmann::json& dataset = result["drift"]["dataset"];
    out << "\nData drift (" << result["drift"].value("method", std::string()) << ", threshold "
        << Fmt("%g", result["drift"].value("threshold", 0.0))
        << "): " << dataset.value("drifted_columns", 0) << " of "
        << dataset.value("number_of_columns", 0) << " columns drifted\n";
    for (const auto& column : result["drift"]["columns"]) {
      if (!column.value("drift", false)) continue;
      out << "  - " << column["column"].get<std::string>() << ": "
          << column["test"].get<std::string>() << " = " << column["score"].dump() << "\n";
    }
  }
  if (result.contains("regression")) {
    out << "\nModel regression: " << result["regression"].value("explanation", std::string())
        << "\n";
  }
  const nlohmann::json& deployment = result["deployment"];
  out << "\nDeployment: ";
  if (deployment.contains("last_deployment")) {
    out << "last " << deployment["last_deployment"].value("version", std::string()) << " at "
        << deployment["last_deployment"].value("timestamp", std::string());
    if (deployment.contains("before_incident")) {
      out << " (" << deployment["before_incident"].get<std::string>() << " before the incident)";
    }
  } else {
    out << "none recorded";
  }
  out << "; inside a change window: "
      << (deployment.value("inside_change_window", false) ? "yes" : "no") << "\n";
  for (const auto& skipped : result["skipped"]) {
    out << "Skipped " << skipped["section"].get<std::string>() << ": "
        << skipped["reason"].get<std::string>() << "\n";
  }
  for (const auto& error : result["errors"]) {
    out << "Error in " << error["section"].get<std::string>() << ": "
        << error["error"].get<std::string>() << "\n";
  }
  return out.str();
}

// RunningSlot holds one of the service's concurrency slots for its lifetime.
class RunningSlot {
 public:
  RunningSlot(std::atomic<int>& running, int limit) : running_(running) {
    acquired_ = running_.fetch_add(1) < limit;
  }
  ~RunningSlot() { running_.fetch_sub(1); }
  RunningSlot(const RunningSlot&) = delete;
  RunningSlot& operator=(const RunningSlot&) = delete;
  bool acquired() const { return acquired_; }

 private:
  std::atomic<int>& running_;
  bool acquired_ = false;
};

}  // namespace

DiagnosisService::DiagnosisService(incident::IncidentService& incidents,
                                   storage::SqlDiagnosisStore& store, const Clock& clock,
                                   DiagnosisServiceOptions options,
                                   evidence::EvidenceStore* evidence)
    : incidents_(incidents),
      store_(store),
      clock_(clock),
      options_(std::move(options)),
      evidence_(evidence),
      prometheus_([this] {
        PrometheusClientOptions client;
        client.base_url = options_.prometheus_url;
        client.timeout_ms = options_.prometheus_timeout_ms;
        return client;
      }()) {}

Result<storage::StoredDiagnosis> DiagnosisService::RunForIncident(std::int64_t incident_id,
                                                                  const std::string& actor) {
  return Run(incident_id, nullptr, actor, "investigate");
}

Result<storage::StoredDiagnosis> DiagnosisService::RunWithConfig(
    std::int64_t incident_id, const runbook::DiagnoseConfig& config, const std::string& actor,
    const std::string& origin) {
  return Run(incident_id, &config, actor, origin);
}

Result<storage::StoredDiagnosis> DiagnosisService::Run(std::int64_t incident_id,
                                                       const runbook::DiagnoseConfig* given,
                                                       const std::string& actor,
                                                       const std::string& origin) {
  RunningSlot slot(running_, options_.max_concurrent);
  if (!slot.acquired()) {
    return Status::ResourceExhausted("too many diagnoses running; retry shortly");
  }
  VAKT_ASSIGN_OR_RETURN(Incident incident, incidents_.store().GetIncident(incident_id));
  const incident::Routing routing = incidents_.routing();
  const runbook::Runbook* runbook =
      routing.matcher ? routing.matcher->runbooks().Find(incident.runbook_id) : nullptr;
  if (runbook == nullptr) {
    return Status::FailedPrecondition("runbook " + incident.runbook_id + " pinned by " +
                                      incident.Key() + " is not loaded");
  }
  VAKT_ASSIGN_OR_RETURN(std::vector<Alert> alerts,
                        incidents_.store().ListIncidentAlerts(incident_id));
  const TimeMs now = clock_.NowMs();
  TimeMs incident_start = incident.created_at;
  for (const Alert& alert : alerts) {
    if (alert.starts_at > 0) incident_start = std::min(incident_start, alert.starts_at);
  }
  const TimeMs window_end = incident.resolved_at > 0 ? incident.resolved_at : now;
  InfraWindow window;
  window.start = incident_start - options_.window_lookback_ms;
  window.end = std::max(window_end, window.start + 1'000);

  Notes notes;
  nlohmann::json result = nlohmann::json::object();
  result["incident"] = incident.Key();
  result["origin"] = origin;
  result["runbook"] = {{"id", runbook->id()},
                       {"version", runbook->metadata.version},
                       {"content_hash", runbook->content_hash},
                       {"pinned_hash", incident.runbook_hash},
                       {"pinned_hash_matches", runbook->content_hash == incident.runbook_hash}};
  if (runbook->content_hash != incident.runbook_hash) {
    notes.Skip("runbook", "the loaded runbook differs from the version " + incident.Key() +
                              " pinned; its current diagnose section was used");
  }
  result["window"] = {{"start", FormatRfc3339(window.start)},
                      {"end", FormatRfc3339(window.end)},
                      {"incident_start", FormatRfc3339(incident_start)}};

  const runbook::DiagnoseConfig empty;
  const runbook::DiagnoseConfig& config =
      given != nullptr ? *given
                       : (runbook->investigate.diagnose ? *runbook->investigate.diagnose : empty);
  if (given == nullptr && !runbook->investigate.diagnose) {
    notes.Skip("investigate", "runbook " + runbook->id() + " has no investigate.diagnose section");
  }

  TriageInput input;
  DeploymentContext deployment = ReadDeployment(incident.context, incident_start);
  result["deployment"] = deployment.json;
  if (config.deployments) {
    input.deployment = deployment.facts;
  } else {
    result["deployment"]["used"] = false;
    notes.Skip("deployments", "the diagnose section does not set deployments: true");
  }

  if (config.drift) {
    Result<DriftOutcome> drift = RunDrift(*config.drift, options_.data_dir);
    if (drift.ok()) {
      input.drift = drift->summary;
      result["drift"] = std::move(drift->json);
    } else {
      notes.Error("drift", drift.status());
    }
  } else {
    notes.Skip("drift", "no drift section");
  }

  if (config.regression) {
    const runbook::RegressionConfig& rc = *config.regression;
    const TimeMs split = deployment.deployed_at.value_or(incident_start);
    const std::string split_reason =
        deployment.deployed_at ? "last deployment" : "incident start (no deployment recorded)";
    MetricRegressionOptions metric_options{rc.metric, rc.baseline, rc.tolerance, 0.05};
    nlohmann::json regression_json;
    Status status = Status::Ok();
    if (rc.source.empty()) {
      notes.Skip("regression", "no regression source (a PromQL series or a file:)");
    } else if (rc.source.rfind("file:", 0) == 0) {
      Result<std::string> path = ResolveDataFile(options_.data_dir, rc.source);
      if (!path.ok()) {
        status = path.status();
      } else if (auto predictions = ReadPredictions(*path); predictions.ok()) {
        auto [before, after] = SplitAt(*predictions, split);
        Result<RegressionReport> report = CompareModels(before, after);
        if (report.ok()) {
          regression_json = RegressionReportToJson(*report);
          regression_json["kind"] = "labelled_predictions";
          input.regression = std::move(report).value();
        } else {
          status = report.status();
        }
      } else if (auto series = ReadMetricSeries(*path); series.ok()) {
        Result<MetricRegressionReport> report = CompareMetricSeries(*series, split, metric_options);
        if (report.ok()) {
          regression_json = MetricRegressionToJson(*report);
          regression_json["kind"] = "metric_series";
          input.metric_regression = std::move(report).value();
        } else {
          status = report.status();
        }
      } else {
        status = Status::InvalidArgument(
            rc.source + ": neither labelled predictions (" + predictions.status().message() +
            ") nor a metric series (" + series.status().message() + ")");
      }
    } else if (options_.prometheus_url.empty()) {
      notes.Skip("regression", "the source is a PromQL series and no prometheus_url is configured");
    } else {
      std::string query = rc.source;
      if (query.rfind("prometheus:", 0) == 0) query = query.substr(11);
      InfraWindow range{split - options_.regression_lookback_ms, window.end, 240, 1'000};
      Result<PromQueryResult> answer =
          prometheus_.QueryRange(query, range.start, range.end, StepFor(range));
      if (!answer.ok()) {
        status = answer.status();
      } else {
        Result<MetricRegressionReport> report =
            CompareMetricSeries(MetricFromRange(*answer), split, metric_options);
        if (report.ok()) {
          regression_json = MetricRegressionToJson(*report);
          regression_json["kind"] = "metric_series";
          regression_json["query"] = query;
          regression_json["series"] = answer->series.size();
          input.metric_regression = std::move(report).value();
        } else {
          status = report.status();
        }
      }
    }
    if (!status.ok()) notes.Error("regression", status);
    if (!regression_json.is_null()) {
      regression_json["source"] = rc.source;
      regression_json["split_at"] = FormatRfc3339(split);
      regression_json["split_reason"] = split_reason;
      result["regression"] = std::move(regression_json);
    }
  } else {
    notes.Skip("regression", "no regression section");
  }

  if (config.infrastructure && !config.infrastructure->prometheus.empty()) {
    if (options_.prometheus_url.empty()) {
      notes.Skip("infrastructure", "no prometheus_url configured");
    } else {
      std::vector<InfraOutcome> outcomes =
          EvaluateInfrastructure(prometheus_, config.infrastructure->prometheus, window);
      nlohmann::json findings = nlohmann::json::array();
      for (const InfraOutcome& outcome : outcomes) {
        findings.push_back(InfraOutcomeToJson(outcome));
        if (!outcome.error.empty()) {
          notes.errors.push_back(
              {{"section", "infrastructure"}, {"query", outcome.query}, {"error", outcome.error}});
          continue;
        }
        input.infrastructure.push_back(outcome.finding);
      }
      result["infrastructure"] = {{"prometheus", options_.prometheus_url}, {"findings", findings}};
    }
  } else {
    notes.Skip("infrastructure", "no infrastructure queries");
  }

  const std::vector<Hypothesis> hypotheses = Triage(input);
  result["hypotheses"] = HypothesesToJson(hypotheses);
  result["verdict"] = CauseName(hypotheses.front().cause);
  result["skipped"] = notes.skipped;
  result["errors"] = notes.errors;

  storage::StoredDiagnosis stored;
  stored.incident_id = incident_id;
  stored.created_at = now;
  stored.actor = actor;
  stored.verdict = CauseName(hypotheses.front().cause);
  stored.score = Fmt("%.4f", hypotheses.front().score);
  stored.report = ReportText(stored, result);
  if (evidence::EvidenceStore* evidence = evidence_.load(); evidence != nullptr) {
    // The blobs' addresses go into the stored row's audit digest chain through the result JSON
    // below. The result blob cannot name its own hash, so it is stored first.
    evidence::EvidenceMetadata metadata;
    metadata.incident_id = incident.Key();
    metadata.step_id = origin;
    metadata.collector = "diagnose";
    metadata.source = "runbook " + runbook->id() + " v" + std::to_string(runbook->metadata.version);
    metadata.time = now;
    metadata.created_by = actor;
    nlohmann::json addresses = nlohmann::json::object();
    auto put = [&](const std::string& bytes, const char* name, const char* content_type,
                   const char* key) {
      metadata.name = name;
      metadata.content_type = content_type;
      Result<std::string> sha = evidence->Put(bytes, metadata);
      if (sha.ok()) {
        addresses[key] = *sha;
      } else {
        result["errors"].push_back({{"section", "evidence"}, {"error", sha.status().ToString()}});
      }
    };
    put(result.dump(), "diagnosis", "application/json", "result");
    put(stored.report, "diagnosis-report", "text/plain; charset=utf-8", "report");
    if (result.contains("drift") && result["drift"].contains("histograms")) {
      put(result["drift"]["histograms"].dump(), "diagnosis-histograms", "application/json",
          "histograms");
    }
    if (addresses.contains("result")) result["evidence_sha256"] = addresses["result"];
    result["evidence"] = std::move(addresses);
  }
  stored.result_json = result.dump();
  return store_.Save(std::move(stored));
}

nlohmann::json DiagnosisToJson(const storage::StoredDiagnosis& diagnosis) {
  nlohmann::json result;
  try {
    result = nlohmann::json::parse(diagnosis.result_json);
  } catch (const nlohmann::json::exception& error) {
    // Stored by us, so this is damage: say so in place of the result; the report still reads.
    result = {{"error", std::string("stored result is not JSON: ") + error.what()}};
  }
  return {{"id", diagnosis.id},
          {"incident", "INC-" + std::to_string(diagnosis.incident_id)},
          {"created_at", FormatRfc3339(diagnosis.created_at)},
          {"actor", diagnosis.actor},
          {"verdict", diagnosis.verdict},
          {"score", diagnosis.score},
          {"result_sha256", diagnosis.result_sha256},
          {"result", result},
          {"report", diagnosis.report}};
}

}  // namespace vakt::diagnose
