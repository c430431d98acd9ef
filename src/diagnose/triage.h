#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "diagnose/drift_report.h"
#include "diagnose/metric_regression.h"
#include "diagnose/regression.h"

// Triage: combine drift, model-regression and infrastructure findings with deployment facts into
// ranked root-cause hypotheses, each with a score in [0, 1], the evidence behind it and a
// plain-language explanation. Pure and deterministic; thread-safe.
//
// Scoring is a small, explainable rule set rather than a learned model, so that an on-call human
// can check every number:
//  * infrastructure: a dead target (up == 0) is near-certain (0.95); other breached infra
//    metrics (5xx rate, latency, saturation) combine as 1 - prod(1 - 0.6). Broken serving also
//    produces drift and quality symptoms downstream, so when infra is breached those scores are
//    damped by half.
//  * model_regression: a significant quality drop is the evidence (0.55, +0.15 if p < 1e-3); a
//    deployment in the last 24 h (+0.2) or a change window (+0.1) corroborates it; with no
//    recent change it is damped (x0.7), because a model that did not change rarely regresses by
//    itself -- its inputs did.
//  * data_drift: the share of drifted columns (0.35 + 0.6 x share, +0.1 on dataset drift).
//    When quality also dropped without a recent deploy, drift is the likelier explanation (+0.1).
//  * unknown: 1 - the best other score, floored at 0.05.
namespace vakt::diagnose {

// DriftFinding is one drifted column, as evidence.
struct DriftFinding {
  std::string column;
  std::string test;
  double score = 0;
  double threshold = 0;
};

// DriftSummary is what triage needs from a drift report.
struct DriftSummary {
  int64_t columns = 0;
  int64_t drifted_columns = 0;
  double share = 0;
  bool dataset_drift = false;
  std::vector<DriftFinding> drifted;  // strongest first
};
DriftSummary SummarizeDrift(const DriftReport& report);

// InfraFinding is one evaluated infrastructure query (e.g. from Prometheus): `breached` says
// whether `value` crossed `threshold` in the bad direction.
struct InfraFinding {
  std::string metric;  // "up", "http_5xx_ratio", "p99_latency_seconds", ...
  double value = 0;
  double threshold = 0;
  bool breached = false;
  std::string description;
};

// DeploymentFacts describe recent change to the system under diagnosis.
struct DeploymentFacts {
  std::optional<TimeMs> since_last_deploy_ms;  // nullopt: unknown / never
  bool inside_change_window = false;
  std::string last_deploy;  // e.g. "ranker v42"
};

struct TriageInput {
  std::optional<DriftSummary> drift;
  std::optional<RegressionReport> regression;
  // A quality metric series split at the deployment; counts as regression evidence like the
  // labelled comparison above (either one suffices).
  std::optional<MetricRegressionReport> metric_regression;
  std::vector<InfraFinding> infrastructure;
  DeploymentFacts deployment;
};

enum class Cause { kDataDrift, kModelRegression, kInfrastructure, kUnknown };
const char* CauseName(Cause cause);

// Hypothesis is one ranked explanation.
struct Hypothesis {
  Cause cause = Cause::kUnknown;
  double score = 0;
  std::vector<std::string> evidence;
  std::string explanation;
};

// Triage returns all four hypotheses, best first (ties keep the order infrastructure,
// model_regression, data_drift, unknown).
std::vector<Hypothesis> Triage(const TriageInput& input);

nlohmann::json HypothesesToJson(const std::vector<Hypothesis>& hypotheses);

}  // namespace vakt::diagnose
