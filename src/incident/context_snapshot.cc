#include "incident/context_snapshot.h"

#include "catalog/change_window.h"
#include "common/time_format.h"
#include "template/template.h"

namespace vakt::incident {
namespace {

nlohmann::json LabelsJson(const LabelSet& labels) {
  nlohmann::json object = nlohmann::json::object();
  for (const auto& [name, value] : labels) object[name] = value;
  return object;
}

// RenderLink fills a link template with the alert's labels; alert text is data, never template
// source, and a broken template keeps its raw text so the link is still shown.
nlohmann::json RenderLink(const runbook::Link& link, const nlohmann::json& context) {
  templating::RenderOptions options;
  options.missing = templating::MissingVariables::kLenient;
  auto url = templating::RenderTemplate(link.url, context, options);
  return {{"title", link.title}, {"url", url.ok() ? *url : link.url}};
}

nlohmann::json DeploymentJson(const storage::ChangeEvent& event) {
  return {{"version", event.version},
          {"summary", event.summary},
          {"source", event.source},
          {"timestamp", FormatRfc3339(event.timestamp)}};
}

}  // namespace

std::string PipelineOf(const Alert& alert, const runbook::Runbook* runbook) {
  std::string_view label = LabelValue(alert.labels, "pipeline");
  if (!label.empty()) return std::string(label);
  return runbook != nullptr ? runbook->context.pipeline : "";
}

nlohmann::json BuildContextSnapshot(const SnapshotInputs& inputs) {
  const Alert& alert = *inputs.alert;
  nlohmann::json snapshot = nlohmann::json::object();
  snapshot["captured_at"] = FormatRfc3339(inputs.now);
  snapshot["alert"] = {{"labels", LabelsJson(alert.labels)},
                       {"annotations", LabelsJson(alert.annotations)},
                       {"starts_at", FormatRfc3339(alert.starts_at)},
                       {"generator_url", alert.generator_url},
                       {"fingerprint", FingerprintHex(alert.fingerprint)}};

  // Versions: the pipeline's latest deployment is what runs now; the one before is the rollback
  // target that containment steps refer to as incident.context.previous_version.
  std::string deployed, previous;
  for (const auto& event : inputs.deployments) {
    if (event.version.empty()) continue;
    if (deployed.empty()) {
      deployed = event.version;
    } else if (event.version != deployed) {
      previous = event.version;
      break;
    }
  }
  snapshot["deployed_version"] = deployed;
  snapshot["previous_version"] = previous;
  nlohmann::json recent = nlohmann::json::array();
  for (const auto& event : inputs.deployments) {
    if (event.timestamp >= inputs.now - inputs.recent_window_ms) recent.push_back(DeploymentJson(event));
  }
  snapshot["recent_deployments"] = recent;
  snapshot["recent_window_hours"] = inputs.recent_window_ms / 3'600'000;
  if (!inputs.deployments.empty()) {
    snapshot["last_deployment"] = DeploymentJson(inputs.deployments.front());
    snapshot["minutes_since_last_deployment"] =
        (inputs.now - inputs.deployments.front().timestamp) / 60'000;
  }

  nlohmann::json business = nlohmann::json::array();
  nlohmann::json template_context = {{"alert", snapshot["alert"]}};
  if (const catalog::Pipeline* pipeline = inputs.pipeline) {
    nlohmann::json models = nlohmann::json::array();
    for (const auto& model : pipeline->models) {
      models.push_back({{"name", model.name}, {"registry_name", model.registry_name}});
    }
    snapshot["pipeline"] = {{"id", pipeline->id},
                            {"title", pipeline->title},
                            {"team", pipeline->team},
                            {"owners", pipeline->owners},
                            {"models", models},
                            {"data_sources", pipeline->data_sources}};
    std::string_view model_label = LabelValue(alert.labels, "model");
    snapshot["model"] = model_label.empty() && !pipeline->models.empty()
                            ? pipeline->models.front().name
                            : std::string(model_label);
    for (const auto& process : pipeline->business_processes) {
      business.push_back({{"name", process.name},
                          {"slo", process.slo},
                          {"criticality", catalog::CriticalityName(process.criticality)}});
    }
    snapshot["change_window"] = {{"inside", catalog::InsideChangeWindow(*pipeline, inputs.now)},
                                 {"windows", pipeline->change_windows.size()}};
    nlohmann::json risks = nlohmann::json::array();
    for (const auto& risk : pipeline->risks) {
      if (risk.status == catalog::RiskStatus::kClosed) continue;
      risks.push_back({{"id", risk.id},
                       {"title", risk.title},
                       {"owner", risk.owner},
                       {"status", catalog::RiskStatusName(risk.status)},
                       {"opened_from_incident", risk.opened_from_incident}});
    }
    snapshot["outstanding_risks"] = risks;
    nlohmann::json dashboards = nlohmann::json::array();
    for (const auto& dashboard : pipeline->dashboards) {
      dashboards.push_back(RenderLink({dashboard.title, dashboard.url}, template_context));
    }
    snapshot["dashboards"] = dashboards;
    template_context["pipeline"] = snapshot["pipeline"];
  } else {
    snapshot["pipeline"] = nullptr;
    snapshot["model"] = std::string(LabelValue(alert.labels, "model"));
    snapshot["change_window"] = {{"inside", false}, {"windows", 0}};
    snapshot["outstanding_risks"] = nlohmann::json::array();
    snapshot["dashboards"] = nlohmann::json::array();
  }
  snapshot["pipeline_id"] = PipelineOf(alert, inputs.runbook);
  nlohmann::json links = nlohmann::json::array();
  if (const runbook::Runbook* runbook = inputs.runbook) {
    for (const auto& impact : runbook->context.business_impact) business.push_back({{"name", impact}});
    snapshot["runbook"] = {{"id", runbook->id()},
                           {"title", runbook->metadata.title},
                           {"version", runbook->metadata.version},
                           {"content_hash", runbook->content_hash}};
    for (const auto& link : runbook->context.links) links.push_back(RenderLink(link, template_context));
    for (const auto& link : runbook->detection.links) links.push_back(RenderLink(link, template_context));
  }
  snapshot["business_impact"] = business;
  snapshot["links"] = links;
  return snapshot;
}

}  // namespace vakt::incident
