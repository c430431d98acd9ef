#include "api/incident_routes.h"

#include "api/auth_guard.h"
#include "api/incident_json.h"
#include "common/json_parse.h"
#include "runbook/lint.h"
#include "runbook/runbook.h"

namespace vakt::api {
namespace {

using incident::IncidentAction;

// ActionBody reads {"reason": "...", "assignee": "...", "text": "..."} (all optional strings).
Result<std::string> ActionArgument(const Request& request, IncidentAction action) {
  if (request.body.empty()) return std::string();
  JsonLimits limits;
  limits.max_depth = 8;
  VAKT_ASSIGN_OR_RETURN(auto body, ParseJsonStrict(request.body, limits));
  if (!body.is_object()) return Status::InvalidArgument("body: must be a JSON object");
  const char* key = action == IncidentAction::kAssign ? "assignee"
                    : action == IncidentAction::kNote ? "text"
                                                      : "reason";
  auto found = body.find(key);
  if (found == body.end() || found->is_null()) return std::string();
  if (!found->is_string()) return Status::InvalidArgument(std::string(key) + ": must be a string");
  return found->get<std::string>();
}

// LintJson runs the linter's per-runbook checks (as `vakt runbook lint` does) against the
// serving catalogue, so the console shows what a loaded runbook still gets wrong.
nlohmann::json LintJson(const runbook::Runbook& runbook, const catalog::Catalog* catalog) {
  runbook::LintContext context;
  context.catalog = catalog;
  nlohmann::json findings = nlohmann::json::array();
  for (const auto& finding : runbook::LintRunbook(runbook, context)) {
    findings.push_back({{"check", finding.check},
                        {"message", finding.message},
                        {"line", finding.pos.line},
                        {"column", finding.pos.column},
                        {"text", finding.ToString()}});
  }
  return {{"clean", findings.empty()}, {"findings", findings}};
}

nlohmann::json RunbookSummary(const runbook::Runbook& runbook, const catalog::Catalog* catalog) {
  nlohmann::json steps = nlohmann::json::array();
  for (const runbook::Step* step : runbook.AllSteps()) {
    steps.push_back({{"id", step->id},
                     {"title", step->title},
                     {"risk", runbook::RiskName(step->risk)},
                     {"auto", step->auto_run},
                     {"approval_required", step->approval.has_value()},
                     {"action", runbook::ActionKindName(step->action)}});
  }
  return {{"id", runbook.id()},
          {"title", runbook.metadata.title},
          {"version", runbook.metadata.version},
          {"owners", runbook.metadata.owners},
          {"tags", runbook.metadata.tags},
          {"pipeline", runbook.context.pipeline},
          {"escalation", runbook.detection.escalation},
          {"default", runbook.detection.is_default},
          {"content_hash", runbook.content_hash},
          {"source_path", runbook.source_path},
          {"lint", LintJson(runbook, catalog)},
          {"steps", steps}};
}

}  // namespace

void RegisterIncidentRoutes(HttpServer& server, const IncidentRoutesContext& context) {
  auto* incidents = context.incidents;
  auto* tokens = context.tokens;
  const Clock* clock = context.clock;

  server.Route("GET", "/api/v1/incidents", "incidents_list", [incidents](const Request& request) {
    storage::IncidentQuery query;
    if (auto state = request.Query("state")) {
      if (*state == "open") {
        query.open_only = true;
      } else if (auto parsed = ParseIncidentState(*state)) {
        query.state = parsed;
      } else if (*state != "all") {
        return ProblemResponse(400,
                               "state: must be open, all, triggered, acknowledged, "
                               "mitigated, resolved or closed");
      }
    }
    query.pipeline = request.Query("pipeline").value_or("");
    query.runbook_id = request.Query("runbook").value_or("");
    if (auto limit = request.Query("limit")) {
      try {
        query.limit = std::stoul(*limit);
      } catch (const std::exception&) {
        return ProblemResponse(400, "limit: must be a number from 1 to 500");
      }
      if (query.limit == 0 || query.limit > 500)
        return ProblemResponse(400, "limit: must be from 1 to 500");
    }
    if (auto before = request.Query("before")) {
      auto id = ParseIncidentKey(*before);
      if (!id) return ProblemResponse(400, "before: must be an incident id");
      query.before_id = *id;
    }
    auto list = incidents->store().ListIncidents(query);
    if (!list.ok()) return ProblemResponse(list.status());
    nlohmann::json items = nlohmann::json::array();
    for (const auto& incident : *list) {
      nlohmann::json item = IncidentToJson(incident);
      item.erase("context");
      items.push_back(std::move(item));
    }
    nlohmann::json body = {{"incidents", items}};
    body["next_before"] = list->size() == query.limit && !list->empty()
                              ? nlohmann::json(list->back().Key())
                              : nlohmann::json(nullptr);
    return JsonResponse(200, body);
  });

  server.Route("GET", R"(/api/v1/incidents/([A-Za-z0-9-]+))", "incident_get",
               [incidents, clock](const Request& request) {
                 auto id = IncidentIdParam(request);
                 if (!id.ok()) return ProblemResponse(id.status());
                 auto incident = incidents->store().GetIncident(*id);
                 if (!incident.ok()) return ProblemResponse(incident.status());
                 auto alerts = incidents->store().ListIncidentAlerts(*id);
                 if (!alerts.ok()) return ProblemResponse(alerts.status());
                 nlohmann::json body = IncidentToJson(*incident);
                 nlohmann::json alert_list = nlohmann::json::array();
                 for (const auto& alert : *alerts)
                   alert_list.push_back(AlertSummaryJson(alert, clock->NowMs()));
                 body["alerts"] = alert_list;
                 return JsonResponse(200, body);
               });

  server.Route("GET", R"(/api/v1/incidents/([A-Za-z0-9-]+)/events)", "incident_events",
               [incidents](const Request& request) {
                 auto id = IncidentIdParam(request);
                 if (!id.ok()) return ProblemResponse(id.status());
                 auto exists = incidents->store().GetIncident(*id);
                 if (!exists.ok()) return ProblemResponse(exists.status());
                 auto events = incidents->store().ListEvents(*id);
                 if (!events.ok()) return ProblemResponse(events.status());
                 nlohmann::json list = nlohmann::json::array();
                 for (const auto& event : *events) list.push_back(IncidentEventToJson(event));
                 return JsonResponse(200, {{"events", list}});
               });

  const std::pair<const char*, IncidentAction> actions[] = {
      {"ack", IncidentAction::kAcknowledge},   {"acknowledge", IncidentAction::kAcknowledge},
      {"mitigate", IncidentAction::kMitigate}, {"resolve", IncidentAction::kResolve},
      {"close", IncidentAction::kClose},       {"reopen", IncidentAction::kReopen},
      {"assign", IncidentAction::kAssign},     {"notes", IncidentAction::kNote},
  };
  for (const auto& [verb, action] : actions) {
    IncidentAction chosen = action;
    server.Route("POST", std::string(R"(/api/v1/incidents/([A-Za-z0-9-]+)/)") + verb,
                 std::string("incident_") + verb,
                 [incidents, tokens, chosen](const Request& request) {
                   Response denied;
                   auto principal = Authorize(*tokens, request, auth::Role::kResponder, denied);
                   if (!principal) return denied;
                   auto id = IncidentIdParam(request);
                   if (!id.ok()) return ProblemResponse(id.status());
                   auto argument = ActionArgument(request, chosen);
                   if (!argument.ok()) return ProblemResponse(argument.status());
                   auto updated = incidents->Act(*id, chosen, principal->name, *argument);
                   if (!updated.ok()) return ProblemResponse(updated.status());
                   return JsonResponse(200, IncidentToJson(*updated));
                 });
  }

  server.Route("GET", "/api/v1/runbooks", "runbooks_list", [incidents](const Request&) {
    auto routing = incidents->routing();
    nlohmann::json list = nlohmann::json::array();
    if (routing.matcher) {
      for (const auto& runbook : routing.matcher->runbooks().runbooks()) {
        list.push_back(RunbookSummary(*runbook, routing.catalog.get()));
      }
    }
    return JsonResponse(200, {{"runbooks", list}});
  });
  server.Route("GET", R"(/api/v1/runbooks/([A-Za-z0-9._-]+))", "runbook_get",
               [incidents](const Request& request) {
                 auto routing = incidents->routing();
                 const runbook::Runbook* found =
                     routing.matcher ? routing.matcher->runbooks().Find(request.path_params.at(0))
                                     : nullptr;
                 if (found == nullptr)
                   return ProblemResponse(404, "no runbook " + request.path_params.at(0));
                 nlohmann::json body = RunbookSummary(*found, routing.catalog.get());
                 body["source"] = found->source_text;
                 return JsonResponse(200, body);
               });
  server.Route("POST", "/api/v1/runbooks/reload", "runbooks_reload",
               [tokens, reload = context.reload_runbooks](const Request& request) {
                 Response denied;
                 auto principal = Authorize(*tokens, request, auth::Role::kAdmin, denied);
                 if (!principal) return denied;
                 auto result = reload(principal->name);
                 if (!result.ok()) return ProblemResponse(result.status());
                 return JsonResponse(200, *result);
               });
}

}  // namespace vakt::api
