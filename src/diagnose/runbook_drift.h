#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "common/status.h"
#include "diagnose/drift_report.h"

// A runbook's drift section may name the test that decides drift (`method: psi|ks|wasserstein|
// js`, with `threshold`) instead of Evidently's per-column default. The statistics are already
// in the report; this re-decides each column and the dataset verdict. Pure; thread-safe.
namespace vakt::diagnose {

// ApplyDriftMethod re-decides every column with `method`: psi >= threshold, jensenshannon >=
// threshold, normed Wasserstein >= threshold (numerical columns), KS p-value < threshold
// (numerical columns). Columns the method does not apply to keep Evidently's default test.
// "default" (or "") keeps the report as it is. Errors: InvalidArgument for another method or a
// threshold that is not positive.
Status ApplyDriftMethod(DriftReport& report, const std::string& method, double threshold,
                        double drift_share = 0.5);

// DriftHistogramsToJson renders, per column, the bins both samples were counted in (Sturges
// bin edges, or one bin per value) with the reference and current counts: what the console
// draws side by side.
nlohmann::json DriftHistogramsToJson(const DriftReport& report);

}  // namespace vakt::diagnose
