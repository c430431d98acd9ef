#pragma once

#include <nlohmann/json.hpp>

#include "model/incident.h"

namespace vakt::stabilise {

// BuildTemplateContext is the Mustache context of a runbook step of `incident`, shaped as
// docs/runbook_schema.md "Templates" documents: alert, incident (with its context snapshot),
// pipeline, deployment, runbook — all taken from the snapshot frozen when the incident opened —
// and `environment` (already allow-listed) as env. Alert text is data in this context, never
// template source. Pure.
nlohmann::json BuildTemplateContext(const Incident& incident, const nlohmann::json& environment);

}  // namespace vakt::stabilise
