#include "stabilise/template_context.h"

#include "common/time_format.h"
#include "template/environment.h"

namespace vakt::stabilise {
namespace {

nlohmann::json Field(const nlohmann::json& object, const char* key,
                     nlohmann::json fallback = "") {
  if (!object.is_object()) return fallback;
  auto found = object.find(key);
  return found == object.end() || found->is_null() ? fallback : *found;
}

}  // namespace

nlohmann::json BuildTemplateContext(const Incident& incident, const nlohmann::json& environment) {
  const nlohmann::json& snapshot = incident.context;
  const nlohmann::json change_window = Field(snapshot, "change_window", nlohmann::json::object());
  const nlohmann::json last = Field(snapshot, "last_deployment", nlohmann::json::object());
  nlohmann::json context_view = {
      {"pipeline", Field(snapshot, "pipeline_id", incident.pipeline)},
      {"model", Field(snapshot, "model")},
      {"deployed_version", Field(snapshot, "deployed_version")},
      {"previous_version", Field(snapshot, "previous_version")},
      {"in_change_window", Field(change_window, "inside", false)},
      {"business_processes", Field(snapshot, "business_impact", nlohmann::json::array())},
      {"risks", Field(snapshot, "outstanding_risks", nlohmann::json::array())}};
  nlohmann::json context = {
      {"alert", Field(snapshot, "alert", nlohmann::json::object())},
      {"incident",
       {{"id", incident.Key()},
        {"title", incident.title},
        {"url", "/incidents/" + incident.Key()},
        {"severity", incident.severity},
        {"status", std::string(IncidentStateName(incident.state))},
        {"started_at", FormatRfc3339(incident.created_at)},
        {"drill", incident.drill},
        {"context", context_view}}},
      {"pipeline", Field(snapshot, "pipeline", nlohmann::json::object())},
      {"deployment",
       {{"version", Field(snapshot, "deployed_version")},
        {"previous_version", Field(snapshot, "previous_version")},
        {"deployed_at", Field(last, "timestamp")},
        {"deployer", Field(last, "source")},
        {"notes", Field(last, "summary")}}},
      {"runbook", Field(snapshot, "runbook", nlohmann::json::object())}};
  // WithEnvironment replaces any "env" key, so context data can never stand in for it.
  return templating::WithEnvironment(std::move(context), environment);
}

}  // namespace vakt::stabilise
