#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/status.h"
#include "ingest/field_error.h"
#include "ingest/limits.h"
#include "model/alert.h"

namespace vakt::ingest {

// ParsedAlerts is the outcome of reading a batch: the valid alerts (normalised, fingerprinted)
// and an error per invalid one. Alertmanager's API stores the valid alerts of a batch and answers
// 400 naming the invalid ones ("best effort"); vakt does the same.
struct ParsedAlerts {
  std::vector<Alert> alerts;
  FieldErrors errors;
};

// ParsePostableAlerts reads an Alertmanager API v2 body (a JSON array of postableAlert) received
// at `now`: empty label values dropped, missing startsAt = now (or endsAt when only that is set),
// missing endsAt = now + resolve_timeout, endsAt before startsAt rejected.
ParsedAlerts ParsePostableAlerts(const nlohmann::json& body, TimeMs now,
                                 const IngestLimits& limits);

// WebhookMessage is an Alertmanager webhook (payload version 4) with its alerts normalised.
struct WebhookMessage {
  std::string receiver;
  std::string status;
  std::string group_key;
  std::string external_url;
  long long truncated_alerts = 0;
  LabelSet group_labels;
  LabelSet common_labels;
  LabelSet common_annotations;
  ParsedAlerts parsed;
};

// ParseWebhookV4 reads POST /api/v1/ingest/alertmanager bodies. A missing or zero endsAt on a
// firing alert is now + resolve_timeout: the upstream Alertmanager re-sends while it fires.
Result<WebhookMessage> ParseWebhookV4(const nlohmann::json& body, TimeMs now,
                                      const IngestLimits& limits);

// AlertToApiJson renders an alert as Alertmanager API v2 `gettableAlert` (what amtool reads).
nlohmann::json AlertToApiJson(const Alert& alert, TimeMs now);

}  // namespace vakt::ingest
