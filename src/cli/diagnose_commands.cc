// `vakt diagnose ...`: root-cause diagnostics over local files (issue 6). A thin shell over
// src/diagnose: parse flags, read inputs, run the pure analysis, print JSON or text.
#include <chrono>
#include <fstream>
#include <future>
#include <iostream>
#include <sstream>

#include "cli/commands.h"
#include "common/time_format.h"
#include "diagnose/drift_report.h"
#include "diagnose/regression.h"
#include "diagnose/table_reader.h"

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
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

int RunDrift(const DriftFlags& flags) {
  diagnose::TableSchema schema;
  schema.categorical.insert(flags.categorical.begin(), flags.categorical.end());
  schema.columns = flags.columns;
  const auto start = std::chrono::steady_clock::now();
  // The two files are independent; read them concurrently.
  auto current_future = std::async(std::launch::async, [&] {
    return diagnose::ReadTable(flags.current, schema);
  });
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

}  // namespace

void AddDiagnoseCommands(CLI::App& app, int& exit_code) {
  auto* diagnose = app.add_subcommand("diagnose", "Root-cause diagnostics: data drift, model regression");
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
  drift->add_option("--drift-share", drift_flags->drift_share,
                    "Dataset drift when this share of columns drift")
      ->check(CLI::Range(0.0, 1.0));
  drift->add_option("--threads", drift_flags->threads, "Worker threads (0 = all cores)");
  drift->add_flag("--timing", drift_flags->timing, "Print parse/analysis times to stderr");
  drift->callback([drift_flags, &exit_code] { exit_code = RunDrift(*drift_flags); });

  auto regression_flags = std::make_shared<RegressionFlags>();
  auto* regression = diagnose->add_subcommand(
      "regression", "Compare model quality before vs after a change from labelled predictions");
  regression->add_option("--before", regression_flags->before, "Predictions before (score,label[,timestamp])");
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
  regression->callback([regression_flags, &exit_code] {
    exit_code = RunRegression(*regression_flags);
  });
}

}  // namespace vakt::cli
