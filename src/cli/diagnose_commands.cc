// `vakt diagnose ...`: root-cause diagnostics over local files (issue 6). A thin shell over
// src/diagnose: parse flags, read inputs, run the pure analysis, print JSON or text.
#include <chrono>
#include <future>
#include <iostream>

#include "cli/api_client.h"
#include "cli/commands.h"
#include "common/file_read.h"
#include "common/json_parse.h"
#include "common/time_format.h"
#include "diagnose/drift_report.h"
#include "diagnose/regression.h"
#include "diagnose/table_reader.h"
#include "diagnose/triage.h"

namespace vakt::cli {
namespace {

struct DriftFlags {
  std::string reference;
  std::string current;
  std::vector<std::string> categorical;
  std::vector<std::string> columns;
  std::string format = "json";
  double drift_share = 0.5;
  unsigned threads = 0;
  bool timing = false;
};

double MillisSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
      .count();
}

int RunDrift(const DriftFlags& flags) {
  diagnose::TableSchema schema;
  schema.categorical.insert(flags.categorical.begin(), flags.categorical.end());
  schema.columns = flags.columns;
  const auto start = std::chrono::steady_clock::now();
  // The two files are independent; read them concurrently.
  auto current_future =
      std::async(std::launch::async, [&] { return diagnose::ReadTable(flags.current, schema); });
  Result<diagnose::Table> reference = diagnose::ReadTable(flags.reference, schema);
  Result<diagnose::Table> current = current_future.get();
  const double parse_ms = MillisSince(start);
  for (const Result<diagnose::Table>* table : {&reference, &current}) {
    if (!table->ok()) {
      std::cerr << "vakt diagnose drift: " << table->status().message() << "\n";
      return kExitUsage;
    }
  }
  diagnose::DriftReportOptions options;
  options.drift_share = flags.drift_share;
  options.threads = flags.threads;
  const auto analysis_start = std::chrono::steady_clock::now();
  Result<diagnose::DriftReport> report =
      diagnose::CompareTables(std::move(reference).value(), std::move(current).value(), options);
  const double analysis_ms = MillisSince(analysis_start);
  if (!report.ok()) {
    std::cerr << "vakt diagnose drift: " << report.status().message() << "\n";
    return kExitUsage;
  }
  if (flags.format == "text") {
    std::cout << diagnose::DriftReportToText(*report);
  } else {
    std::cout << diagnose::DriftReportToJson(*report).dump(2) << "\n";
  }
  if (flags.timing) {
    std::cerr << "timing: parse_ms=" << parse_ms << " analysis_ms=" << analysis_ms
              << " total_ms=" << MillisSince(start) << "\n";
  }
  return kExitOk;
}

struct RegressionFlags {
  std::string before;
  std::string after;
  std::string predictions;
  std::string split_at;
  double threshold = 0.5;
  double alpha = 0.05;
  int bins = 10;
  std::string format = "json";
};

int RunRegression(const RegressionFlags& flags) {
  diagnose::RegressionOptions options;
  options.threshold = flags.threshold;
  options.alpha = flags.alpha;
  options.calibration_bins = flags.bins;
  Result<diagnose::RegressionReport> report = Status::InvalidArgument("unreachable");
  if (!flags.predictions.empty()) {
    if (!flags.before.empty() || !flags.after.empty() || flags.split_at.empty()) {
      std::cerr << "vakt diagnose regression: use --predictions with --split-at, or --before "
                   "with --after\n";
      return kExitUsage;
    }
    Result<TimeMs> split = ParseRfc3339(flags.split_at);
    if (!split.ok()) {
      std::cerr << "vakt diagnose regression: --split-at: " << split.status().message() << "\n";
      return kExitUsage;
    }
    Result<std::vector<diagnose::LabeledPrediction>> all =
        diagnose::ReadPredictions(flags.predictions);
    if (!all.ok()) {
      std::cerr << "vakt diagnose regression: " << all.status().message() << "\n";
      return kExitUsage;
    }
    auto [before, after] = diagnose::SplitAt(*all, *split);
    report = diagnose::CompareModels(before, after, options);
  } else {
    if (flags.before.empty() || flags.after.empty()) {
      std::cerr << "vakt diagnose regression: need --before and --after, or --predictions and "
                   "--split-at\n";
      return kExitUsage;
    }
    Result<std::vector<diagnose::LabeledPrediction>> before =
        diagnose::ReadPredictions(flags.before);
    Result<std::vector<diagnose::LabeledPrediction>> after = diagnose::ReadPredictions(flags.after);
    for (const auto* r : {&before, &after}) {
      if (!r->ok()) {
        std::cerr << "vakt diagnose regression: " << r->status().message() << "\n";
        return kExitUsage;
      }
    }
    report = diagnose::CompareModels(*before, *after, options);
  }
  if (!report.ok()) {
    std::cerr << "vakt diagnose regression: " << report.status().message() << "\n";
    return kExitUsage;
  }
  if (flags.format == "text") {
    std::cout << diagnose::RegressionReportToText(*report);
  } else {
    std::cout << diagnose::RegressionReportToJson(*report).dump(2) << "\n";
  }
  return kExitOk;
}

struct TriageFlags {
  std::string reference;
  std::string current;
  std::vector<std::string> categorical;
  std::string before;
  std::string after;
  std::string infra;
  std::string since_deploy;
  std::string last_deploy;
  bool change_window = false;
  // Server mode: diagnose a stored incident through the API.
  std::string incident;
  bool latest = false;
  std::string server = DefaultServer();
  std::string token;
  std::string format = "json";
};

// RunIncidentTriage asks the server to diagnose an incident with its pinned runbook's
// investigate.diagnose section (POST …/diagnose), or with --latest fetches the stored latest
// diagnosis (GET …/diagnosis), and prints the result JSON or the readable report.
int RunIncidentTriage(const TriageFlags& flags) {
  auto client = ApiClient::Create(flags.server, flags.token);
  if (!client.ok()) {
    std::cerr << "vakt diagnose triage: " << client.status().message() << "\n";
    return kExitUsage;
  }
  const std::string base = "/api/v1/incidents/" + flags.incident;
  auto response =
      flags.latest ? client->Get(base + "/diagnosis") : client->Post(base + "/diagnose", "");
  if (!response.ok()) {
    std::cerr << "vakt diagnose triage: " << response.status().message() << "\n";
    return kExitFailure;
  }
  if (response->status >= 300) {
    std::cerr << "vakt diagnose triage: " << ProblemText(*response) << "\n";
    return response->status == 400 || response->status == 404 ? kExitUsage : kExitFailure;
  }
  Result<nlohmann::json> body = ParseJsonStrict(response->body);
  if (!body.ok() || !body->is_object()) {
    std::cerr << "vakt diagnose triage: the server answered with invalid JSON\n";
    return kExitFailure;
  }
  if (flags.format == "text") {
    std::cout << body->value("report", std::string());
  } else {
    std::cout << body->dump(2) << "\n";
  }
  return kExitOk;
}

Result<std::vector<diagnose::InfraFinding>> ReadInfraFindings(const std::string& path) {
  VAKT_ASSIGN_OR_RETURN(std::string text, ReadFileToString(path));
  VAKT_ASSIGN_OR_RETURN(nlohmann::json doc, ParseJsonStrict(text));
  if (!doc.is_array()) return Status::InvalidArgument(path + ": expected a JSON array of findings");
  std::vector<diagnose::InfraFinding> out;
  try {
    for (const nlohmann::json& f : doc) {
      diagnose::InfraFinding finding;
      finding.metric = f.at("metric").get<std::string>();
      finding.value = f.at("value").get<double>();
      finding.threshold = f.value("threshold", 0.0);
      finding.breached = f.at("breached").get<bool>();
      finding.description = f.value("description", "");
      out.push_back(std::move(finding));
    }
  } catch (const nlohmann::json::exception& e) {
    return Status::InvalidArgument(path + ": " + e.what());
  }
  return out;
}

int RunTriage(const TriageFlags& flags) {
  diagnose::TriageInput input;
  auto fail = [](const Status& s) {
    std::cerr << "vakt diagnose triage: " << s.message() << "\n";
    return kExitUsage;
  };
  const bool offline = !flags.reference.empty() || !flags.current.empty() ||
                       !flags.before.empty() || !flags.after.empty() || !flags.infra.empty() ||
                       !flags.since_deploy.empty() || !flags.last_deploy.empty() ||
                       flags.change_window;
  if (!flags.incident.empty()) {
    if (offline) {
      return fail(Status::InvalidArgument(
          "--incident asks the server; it does not combine with local evidence flags"));
    }
    return RunIncidentTriage(flags);
  }
  if (flags.latest) return fail(Status::InvalidArgument("--latest needs --incident"));
  if (!flags.reference.empty() || !flags.current.empty()) {
    if (flags.reference.empty() || flags.current.empty()) {
      return fail(Status::InvalidArgument("--reference and --current go together"));
    }
    diagnose::TableSchema schema;
    schema.categorical.insert(flags.categorical.begin(), flags.categorical.end());
    Result<diagnose::Table> ref = diagnose::ReadTable(flags.reference, schema);
    if (!ref.ok()) return fail(ref.status());
    Result<diagnose::Table> cur = diagnose::ReadTable(flags.current, schema);
    if (!cur.ok()) return fail(cur.status());
    Result<diagnose::DriftReport> report =
        diagnose::CompareTables(std::move(ref).value(), std::move(cur).value(), {});
    if (!report.ok()) return fail(report.status());
    input.drift = diagnose::SummarizeDrift(*report);
  }
  if (!flags.before.empty() || !flags.after.empty()) {
    Result<std::vector<diagnose::LabeledPrediction>> before =
        diagnose::ReadPredictions(flags.before);
    if (!before.ok()) return fail(before.status());
    Result<std::vector<diagnose::LabeledPrediction>> after = diagnose::ReadPredictions(flags.after);
    if (!after.ok()) return fail(after.status());
    Result<diagnose::RegressionReport> report = diagnose::CompareModels(*before, *after);
    if (!report.ok()) return fail(report.status());
    input.regression = std::move(report).value();
  }
  if (!flags.infra.empty()) {
    Result<std::vector<diagnose::InfraFinding>> infra = ReadInfraFindings(flags.infra);
    if (!infra.ok()) return fail(infra.status());
    input.infrastructure = std::move(infra).value();
  }
  if (!flags.since_deploy.empty()) {
    Result<TimeMs> since = ParseDuration(flags.since_deploy);
    if (!since.ok()) return fail(since.status().WithContext("--since-deploy"));
    input.deployment.since_last_deploy_ms = *since;
  }
  input.deployment.last_deploy = flags.last_deploy;
  input.deployment.inside_change_window = flags.change_window;
  std::cout
      << nlohmann::json{{"hypotheses", diagnose::HypothesesToJson(diagnose::Triage(input))}}.dump(2)
      << "\n";
  return kExitOk;
}

}  // namespace

void AddDiagnoseCommands(CLI::App& app, int& exit_code) {
  auto* diagnose =
      app.add_subcommand("diagnose", "Root-cause diagnostics: data drift, model regression");
  diagnose->require_subcommand(1);

  auto drift_flags = std::make_shared<DriftFlags>();
  auto* drift = diagnose->add_subcommand(
      "drift", "Compare two datasets column by column with Evidently's default drift tests");
  drift->add_option("--reference", drift_flags->reference, "Reference data (CSV or .jsonl)")
      ->required();
  drift->add_option("--current", drift_flags->current, "Current data (CSV or .jsonl)")->required();
  drift->add_option("--categorical", drift_flags->categorical, "Categorical columns")
      ->delimiter(',');
  drift->add_option("--columns", drift_flags->columns, "Only these columns (default: all)")
      ->delimiter(',');
  drift->add_option("--format", drift_flags->format, "Output format")
      ->check(CLI::IsMember({"json", "text"}));
  drift
      ->add_option("--drift-share", drift_flags->drift_share,
                   "Dataset drift when this share of columns drift")
      ->check(CLI::Range(0.0, 1.0));
  drift->add_option("--threads", drift_flags->threads, "Worker threads (0 = all cores)");
  drift->add_flag("--timing", drift_flags->timing, "Print parse/analysis times to stderr");
  drift->callback([drift_flags, &exit_code] { exit_code = RunDrift(*drift_flags); });

  auto regression_flags = std::make_shared<RegressionFlags>();
  auto* regression = diagnose->add_subcommand(
      "regression", "Compare model quality before vs after a change from labelled predictions");
  regression->add_option("--before", regression_flags->before,
                         "Predictions before (score,label[,timestamp])");
  regression->add_option("--after", regression_flags->after, "Predictions after");
  regression->add_option("--predictions", regression_flags->predictions,
                         "All predictions with a timestamp column");
  regression->add_option("--split-at", regression_flags->split_at,
                         "RFC 3339 time of the change (with --predictions)");
  regression->add_option("--threshold", regression_flags->threshold, "Decision threshold on score")
      ->check(CLI::Range(0.0, 1.0));
  regression->add_option("--alpha", regression_flags->alpha, "Significance level")
      ->check(CLI::Range(0.0, 1.0));
  regression->add_option("--calibration-bins", regression_flags->bins, "ECE bins")
      ->check(CLI::Range(1, 1000));
  regression->add_option("--format", regression_flags->format, "Output format")
      ->check(CLI::IsMember({"json", "text"}));
  regression->callback(
      [regression_flags, &exit_code] { exit_code = RunRegression(*regression_flags); });

  auto triage_flags = std::make_shared<TriageFlags>();
  auto* triage = diagnose->add_subcommand(
      "triage",
      "Rank data drift / model regression / infrastructure / unknown from local evidence");
  triage->add_option("--reference", triage_flags->reference, "Reference data for drift");
  triage->add_option("--current", triage_flags->current, "Current data for drift");
  triage->add_option("--categorical", triage_flags->categorical, "Categorical columns")
      ->delimiter(',');
  triage->add_option("--before", triage_flags->before, "Labelled predictions before the change");
  triage->add_option("--after", triage_flags->after, "Labelled predictions after the change");
  triage->add_option("--infra", triage_flags->infra,
                     "JSON array of {metric, value, threshold, breached[, description]}");
  triage->add_option("--since-deploy", triage_flags->since_deploy,
                     "Time since the last deployment (e.g. 30m, 2d)");
  triage->add_option("--last-deploy", triage_flags->last_deploy, "What was deployed");
  triage->add_flag("--change-window", triage_flags->change_window, "Inside a change window");
  triage->add_option("--incident", triage_flags->incident,
                     "Diagnose this incident on the server (e.g. INC-7) with its runbook's "
                     "investigate.diagnose section");
  triage->add_flag("--latest", triage_flags->latest,
                   "With --incident: show the stored latest diagnosis instead of running one");
  triage->add_option("--server", triage_flags->server, "vakt server URL ($VAKT_SERVER)");
  triage->add_option("--token", triage_flags->token, "API token ($VAKT_TOKEN)");
  triage
      ->add_option("--format", triage_flags->format,
                   "Output with --incident: json or text (the report)")
      ->check(CLI::IsMember({"json", "text"}));
  triage->callback([triage_flags, &exit_code] { exit_code = RunTriage(*triage_flags); });
}

}  // namespace vakt::cli
