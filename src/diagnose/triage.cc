#include "diagnose/triage.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "common/time_format.h"

namespace vakt::diagnose {
namespace {

constexpr TimeMs kRecentDeployMs = 24LL * 3600 * 1000;

std::string Fmt(const char* format, double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), format, value);
  return buffer;
}

bool IsDeadTarget(const InfraFinding& f) { return f.breached && f.metric == "up" && f.value == 0; }

}  // namespace

const char* CauseName(Cause cause) {
  switch (cause) {
    case Cause::kDataDrift:
      return "data_drift";
    case Cause::kModelRegression:
      return "model_regression";
    case Cause::kInfrastructure:
      return "infrastructure";
    case Cause::kUnknown:
      return "unknown";
  }
  return "unknown";
}

DriftSummary SummarizeDrift(const DriftReport& report) {
  DriftSummary s;
  s.columns = report.dataset.number_of_columns;
  s.drifted_columns = report.dataset.drifted_columns;
  s.share = report.dataset.share;
  s.dataset_drift = report.dataset.drift;
  for (const ColumnReport& c : report.columns) {
    if (!c.analysis.drift) continue;
    s.drifted.push_back({c.column, DriftTestName(c.analysis.test), c.analysis.score,
                         c.analysis.threshold});
  }
  // Strongest first: distances by how far above the threshold, p-values by how small.
  auto strength = [](const DriftFinding& f) {
    const bool pvalue = f.test == "ks" || f.test == "chisquare" || f.test == "z";
    return pvalue ? -std::log10(std::max(f.score, 1e-300)) : f.score / f.threshold;
  };
  std::stable_sort(s.drifted.begin(), s.drifted.end(),
                   [&](const DriftFinding& a, const DriftFinding& b) { return strength(a) > strength(b); });
  return s;
}

std::vector<Hypothesis> Triage(const TriageInput& in) {
  Hypothesis infra{Cause::kInfrastructure, 0, {}, ""};
  Hypothesis regression{Cause::kModelRegression, 0, {}, ""};
  Hypothesis drift{Cause::kDataDrift, 0, {}, ""};
  Hypothesis unknown{Cause::kUnknown, 0, {}, ""};

  // Infrastructure.
  double infra_ok = 1.0;
  int breached = 0;
  bool dead = false;
  for (const InfraFinding& f : in.infrastructure) {
    if (!f.breached) continue;
    ++breached;
    dead = dead || IsDeadTarget(f);
    infra_ok *= IsDeadTarget(f) ? 0.05 : 0.4;
    infra.evidence.push_back(f.metric + " = " + Fmt("%g", f.value) + " (threshold " +
                             Fmt("%g", f.threshold) + ")" +
                             (f.description.empty() ? "" : ": " + f.description));
  }
  infra.score = 1.0 - infra_ok;
  if (breached > 0) {
    infra.explanation = dead ? "A serving target is down (up == 0): predictions are failing or "
                               "missing, which explains the incident without any model change."
                             : "Infrastructure metrics are outside their limits (" +
                                   std::to_string(breached) +
                                   " breached); degraded serving can explain the incident.";
  } else {
    infra.explanation = in.infrastructure.empty()
                            ? "No infrastructure findings were available."
                            : "All infrastructure metrics are within their limits.";
  }

  // Deployment context.
  const bool recent_deploy =
      in.deployment.since_last_deploy_ms && *in.deployment.since_last_deploy_ms <= kRecentDeployMs;
  std::string deploy_text;
  if (in.deployment.since_last_deploy_ms) {
    deploy_text = "last deployment" +
                  (in.deployment.last_deploy.empty() ? "" : " (" + in.deployment.last_deploy + ")") +
                  " " + FormatDuration(*in.deployment.since_last_deploy_ms) + " ago";
  }

  // Model regression: labelled predictions and/or a quality metric series.
  const bool labelled_regressed =
      in.regression && in.regression->verdict == RegressionVerdict::kRegressed;
  const bool metric_regressed = in.metric_regression && in.metric_regression->regressed;
  const bool regressed = labelled_regressed || metric_regressed;
  if (regressed) {
    bool strong = false;
    if (labelled_regressed) {
      const RegressionReport& r = *in.regression;
      strong = strong || r.auc_delta_pvalue < 1e-3;
      regression.evidence.push_back(r.explanation);
      regression.evidence.push_back("AUC " + Fmt("%.4f", r.before.auc) + " -> " +
                                    Fmt("%.4f", r.after.auc) + ", accuracy " +
                                    Fmt("%.4f", r.before.accuracy) + " -> " +
                                    Fmt("%.4f", r.after.accuracy));
    }
    if (metric_regressed) {
      const MetricRegressionReport& m = *in.metric_regression;
      strong = strong || (m.pvalue && *m.pvalue < 1e-3);
      regression.evidence.push_back(m.explanation);
    }
    regression.score = 0.55 + (strong ? 0.15 : 0.0);
    if (recent_deploy) {
      regression.score += 0.2;
      regression.evidence.push_back(deploy_text);
    }
    if (in.deployment.inside_change_window) {
      regression.score += 0.1;
      regression.evidence.push_back("inside a change window");
    }
    if (!recent_deploy && !in.deployment.inside_change_window) regression.score *= 0.7;
    regression.explanation =
        recent_deploy ? "Model quality dropped significantly right after a deployment: the new "
                        "model or its serving configuration is the likely cause; consider a rollback."
                      : "Model quality dropped significantly, but nothing was deployed recently; "
                        "the quality drop is more likely a symptom than the cause.";
  } else {
    const bool tested = in.regression || in.metric_regression;
    regression.explanation = tested ? "Model quality did not drop significantly."
                                    : "No labelled predictions or quality metric were available "
                                      "to test model quality.";
    if (in.regression) regression.evidence.push_back(in.regression->explanation);
    if (in.metric_regression) regression.evidence.push_back(in.metric_regression->explanation);
  }

  // Data drift.
  if (in.drift && in.drift->drifted_columns > 0) {
    const DriftSummary& d = *in.drift;
    drift.score = 0.35 + 0.6 * d.share + (d.dataset_drift ? 0.1 : 0.0);
    if (regressed && !recent_deploy) drift.score += 0.1;
    drift.evidence.push_back(std::to_string(d.drifted_columns) + " of " +
                             std::to_string(d.columns) + " columns drifted (share " +
                             Fmt("%.2f", d.share) + ")");
    for (size_t i = 0; i < d.drifted.size() && i < 5; ++i) {
      const DriftFinding& f = d.drifted[i];
      drift.evidence.push_back(f.column + ": " + f.test + " = " + Fmt("%.4g", f.score) +
                               " (threshold " + Fmt("%g", f.threshold) + ")");
    }
    drift.explanation =
        d.dataset_drift
            ? "The input data distribution has shifted across most features: the model sees "
              "data unlike its reference, which degrades its predictions."
            : "Some input features have shifted; check their upstream sources.";
  } else {
    drift.explanation = in.drift ? "No input feature drifted." : "No drift analysis was available.";
  }

  // Broken serving produces drift- and quality-like symptoms; do not let them outrank it.
  if (breached > 0) {
    regression.score *= 0.5;
    drift.score *= 0.5;
  }
  for (Hypothesis* h : {&infra, &regression, &drift}) h->score = std::clamp(h->score, 0.0, 1.0);

  const double best = std::max({infra.score, regression.score, drift.score});
  unknown.score = std::max(0.05, 1.0 - best);
  unknown.explanation = best < 0.5 ? "No finding explains the incident convincingly; investigate "
                                     "beyond drift, model quality and infrastructure."
                                   : "Other findings explain the incident better.";
  if (!deploy_text.empty()) unknown.evidence.push_back(deploy_text);

  std::vector<Hypothesis> out = {infra, regression, drift, unknown};
  std::stable_sort(out.begin(), out.end(),
                   [](const Hypothesis& a, const Hypothesis& b) { return a.score > b.score; });
  return out;
}

nlohmann::json HypothesesToJson(const std::vector<Hypothesis>& hypotheses) {
  nlohmann::json out = nlohmann::json::array();
  for (const Hypothesis& h : hypotheses) {
    out.push_back({{"cause", CauseName(h.cause)},
                   {"score", h.score},
                   {"evidence", h.evidence},
                   {"explanation", h.explanation}});
  }
  return out;
}

}  // namespace vakt::diagnose
