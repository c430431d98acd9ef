#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "ingest/limits.h"
#include "model/alert.h"

namespace vakt::ingest {

// TryParsePostableAlertsFast reads an Alertmanager API v2 body straight into alerts, without a
// JSON DOM, when the body has the plain shape Prometheus and Alertmanager send: an array of
// objects whose keys are among labels, annotations, startsAt, endsAt, generatorURL (each once),
// label and annotation values non-empty ASCII strings without escapes, every limit respected and
// every alert valid. For such bodies the result equals what ParseJsonStrict + ParsePostableAlerts
// produce. For anything else it returns nullopt and the caller takes that general path, which
// reports the errors; so this path never decides that a request is bad.
std::optional<std::vector<Alert>> TryParsePostableAlertsFast(std::string_view body, TimeMs now,
                                                             const IngestLimits& limits);

}  // namespace vakt::ingest
