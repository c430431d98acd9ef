#pragma once

#include <nlohmann/json.hpp>

#include "model/alert.h"
#include "model/incident.h"

namespace vakt::api {

// JSON shapes of the incident API (api/openapi.yaml): one place so REST, CLI and console agree.
nlohmann::json IncidentToJson(const Incident& incident);
nlohmann::json IncidentEventToJson(const IncidentEvent& event);
nlohmann::json AlertSummaryJson(const Alert& alert, TimeMs now);

}  // namespace vakt::api
