#include "api/notify_routes.h"

#include <map>

#include "api/auth_guard.h"
#include "api/incident_json.h"
#include "common/json_parse.h"
#include "common/time_format.h"
#include "escalation/escalation_state.h"
#include "storage/sql_escalation_timer_store.h"
#include "storage/sql_outbox.h"
#include "storage/sql_page_store.h"

namespace vakt::api {
namespace {

nlohmann::json OptionalTime(std::optional<TimeMs> time) {
  return time ? nlohmann::json(FormatRfc3339(*time)) : nlohmann::json(nullptr);
}

// ShownTarget keeps webhook and Slack URLs out of API answers (their paths are secrets): only
// scheme and host are shown.
std::string ShownTarget(const std::string& target) {
  size_t scheme = target.find("://");
  if (scheme == std::string::npos) return target;
  size_t path = target.find('/', scheme + 3);
  return path == std::string::npos ? target : target.substr(0, path) + "/…";
}

// GroupIntervalOf is the incident runbook's detection.group_interval (the default when the
// runbook is no longer loaded).
TimeMs GroupIntervalOf(const incident::IncidentService& incidents, const Incident& incident) {
  runbook::Detection defaults;
  auto routing = incidents.routing();
  if (!routing.matcher) return defaults.group_interval_ms;
  const runbook::Runbook* found = routing.matcher->runbooks().Find(incident.runbook_id);
  return found == nullptr ? defaults.group_interval_ms : found->detection.group_interval_ms;
}

Result<paging::NoticeRequest> ParseNoticeBody(const std::string& text) {
  JsonLimits limits;
  limits.max_depth = 4;
  VAKT_ASSIGN_OR_RETURN(auto body, ParseJsonStrict(text, limits));
  if (!body.is_object()) return Status::InvalidArgument("body: must be a JSON object");
  paging::NoticeRequest request;
  for (const auto& [key, value] : body.items()) {
    if (key == "template") {
      if (!value.is_string()) return Status::InvalidArgument("template: must be a string");
      request.template_name = value.get<std::string>();
    } else if (key == "to") {
      if (!value.is_array()) return Status::InvalidArgument("to: must be an array of strings");
      for (const auto& entry : value) {
        if (!entry.is_string()) return Status::InvalidArgument("to: must be an array of strings");
        request.to.push_back(entry.get<std::string>());
      }
    } else {
      return Status::InvalidArgument(key + ": unknown field");
    }
  }
  if (request.template_name.empty()) return Status::InvalidArgument("template: required");
  return request;
}

}  // namespace

void RegisterNotifyRoutes(HttpServer& server, const NotifyRoutesContext& context) {
  incident::IncidentService* incidents = context.incidents;
  paging::PagingService* paging = context.paging;
  storage::Database* database = context.database;
  auth::TokenService* tokens = context.tokens;

  server.Route("POST", R"(/api/v1/incidents/([A-Za-z0-9-]+)/notify)", "incident_notify",
               [incidents, paging, tokens](const Request& request) {
                 Response denied;
                 auto principal = Authorize(*tokens, request, auth::Role::kResponder, denied);
                 if (!principal) return denied;
                 auto id = IncidentIdParam(request);
                 if (!id.ok()) return ProblemResponse(id.status());
                 auto notice = ParseNoticeBody(request.body);
                 if (!notice.ok()) return ProblemResponse(notice.status());
                 auto incident = incidents->store().GetIncident(*id);
                 if (!incident.ok()) return ProblemResponse(incident.status());
                 notice->actor = principal->name;
                 notice->group_interval_ms = GroupIntervalOf(*incidents, *incident);
                 auto result = paging->Notify(*incident, *notice);
                 if (!result.ok()) return ProblemResponse(result.status());
                 if (result->throttled) {
                   return ProblemResponse(
                       429,
                       "template: an update for this incident was sent less than "
                       "group_interval ago; next allowed at " +
                           FormatRfc3339(result->next_allowed_at));
                 }
                 return JsonResponse(202, {{"incident", incident->Key()},
                                           {"template", notice->template_name},
                                           {"subject", result->subject},
                                           {"enqueued", result->keys}});
               });

  server.Route("GET", R"(/api/v1/incidents/([A-Za-z0-9-]+)/pages)", "incident_pages",
               [incidents, database](const Request& request) {
                 auto id = IncidentIdParam(request);
                 if (!id.ok()) return ProblemResponse(id.status());
                 auto exists = incidents->store().GetIncident(*id);
                 if (!exists.ok()) return ProblemResponse(exists.status());
                 auto pages = storage::ListIncidentPages(*database, *id);
                 if (!pages.ok()) return ProblemResponse(pages.status());
                 auto timers = storage::ListIncidentEscalationTimers(*database, *id);
                 if (!timers.ok()) return ProblemResponse(timers.status());
                 nlohmann::json list = nlohmann::json::array();
                 for (const auto& page : *pages) {
                   list.push_back({{"level", page.level},
                                   {"loop", page.loop},
                                   {"user", page.user_id},
                                   {"policy", page.policy_id},
                                   {"via", page.target},
                                   {"channels", page.channel},
                                   {"idempotency_key", page.idempotency_key},
                                   {"enqueued_at", FormatRfc3339(page.enqueued_at)},
                                   {"delivered_at", OptionalTime(page.delivered_at)},
                                   {"acked_at", OptionalTime(page.acked_at)}});
                 }
                 nlohmann::json escalations = nlohmann::json::array();
                 for (const auto& timer : *timers) {
                   if (timer.policy_id.empty()) continue;  // runbook without a policy
                   nlohmann::json item = {{"policy", timer.policy_id},
                                          {"next_due_at", OptionalTime(timer.due_at)}};
                   auto state = escalation::DecodeState(timer.state);
                   if (state.ok()) {
                     item["phase"] = escalation::PhaseName(state->phase);
                     item["next_level"] = state->level + 1;
                     item["loop"] = state->loop;
                   }
                   escalations.push_back(std::move(item));
                 }
                 return JsonResponse(
                     200,
                     {{"incident", exists->Key()}, {"pages", list}, {"escalations", escalations}});
               });

  server.Route(
      "GET", R"(/api/v1/incidents/([A-Za-z0-9-]+)/notifications)", "incident_notifications",
      [incidents, database](const Request& request) {
        auto id = IncidentIdParam(request);
        if (!id.ok()) return ProblemResponse(id.status());
        auto exists = incidents->store().GetIncident(*id);
        if (!exists.ok()) return ProblemResponse(exists.status());
        auto rows = storage::ListIncidentNotifications(*database, *id);
        if (!rows.ok()) return ProblemResponse(rows.status());
        auto attempts = storage::ListIncidentNotificationAttempts(*database, *id);
        if (!attempts.ok()) return ProblemResponse(attempts.status());
        // Every delivery attempt: who, on which channel, when, with what result.
        std::map<std::int64_t, nlohmann::json> attempts_of;
        for (const auto& attempt : *attempts) {
          attempts_of[attempt.outbox_id].push_back(
              {{"attempt", attempt.attempt},
               {"recipient", ShownTarget(attempt.recipient)},
               {"channel", attempt.channel},
               {"started_at", FormatRfc3339(attempt.started_at)},
               {"finished_at", FormatRfc3339(attempt.finished_at)},
               {"result", attempt.result},
               {"error", attempt.error}});
        }
        nlohmann::json list = nlohmann::json::array();
        for (const auto& row : *rows) {
          auto found = attempts_of.find(row.id);
          list.push_back(
              {{"delivery_attempts",
                found == attempts_of.end() ? nlohmann::json::array() : found->second},
               {"idempotency_key", row.message.idempotency_key},
               {"channel", row.message.channel},
               {"target", ShownTarget(row.message.target)},
               {"subject", row.message.subject},
               {"page", row.message.page_key.empty() ? nlohmann::json(nullptr)
                                                     : nlohmann::json(row.message.page_key)},
               {"state", storage::OutboxStateName(row.state)},
               {"attempts", row.attempts},
               {"next_attempt_at", FormatRfc3339(row.next_attempt_at)},
               {"last_error", row.last_error},
               {"created_at", FormatRfc3339(row.created_at)},
               {"sent_at", OptionalTime(row.sent_at)}});
        }
        return JsonResponse(200, {{"incident", exists->Key()}, {"notifications", list}});
      });
}

}  // namespace vakt::api
