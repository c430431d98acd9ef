#include "api/step_routes.h"

#include "api/auth_guard.h"
#include "common/json_parse.h"
#include "common/time_format.h"
#include "evidence/evidence_store.h"

namespace vakt::api {
namespace {

constexpr size_t kMaxReasonBytes = 2000;

nlohmann::json TimeOrNull(TimeMs time) {
  return time == 0 ? nlohmann::json(nullptr) : nlohmann::json(FormatRfc3339(time));
}

// StepBody is the optional JSON body of a step action.
struct StepBody {
  std::string reason;
  std::string content_hash;
  bool failed = false;  // confirm: {"outcome": "failed"}
};

Result<StepBody> ParseStepBody(const Request& request) {
  StepBody body;
  if (request.body.empty()) return body;
  JsonLimits limits;
  limits.max_depth = 4;
  VAKT_ASSIGN_OR_RETURN(auto json, ParseJsonStrict(request.body, limits));
  if (!json.is_object()) return Status::InvalidArgument("body: must be a JSON object");
  for (const auto& [key, value] : json.items()) {
    if (key != "reason" && key != "content_hash" && key != "outcome") {
      return Status::InvalidArgument(key + ": unknown field (reason, content_hash, outcome)");
    }
    if (!value.is_null() && !value.is_string()) {
      return Status::InvalidArgument(key + ": must be a string");
    }
  }
  body.reason =
      json.value("reason", nlohmann::json("")).is_string() ? json.value("reason", "") : "";
  if (body.reason.size() > kMaxReasonBytes) {
    return Status::InvalidArgument("reason: at most 2000 bytes");
  }
  body.content_hash = json.value("content_hash", nlohmann::json("")).is_string()
                          ? json.value("content_hash", "")
                          : "";
  if (!body.content_hash.empty() && !evidence::IsValidSha256Hex(body.content_hash)) {
    return Status::InvalidArgument("content_hash: must be 64 lowercase hex digits");
  }
  const std::string outcome =
      json.value("outcome", nlohmann::json("")).is_string() ? json.value("outcome", "") : "";
  if (!outcome.empty() && outcome != "succeeded" && outcome != "failed") {
    return Status::InvalidArgument("outcome: must be succeeded or failed");
  }
  body.failed = outcome == "failed";
  return body;
}

// ActorOf gives the approval module the principal's name and every role its role includes.
action::Actor ActorOf(const auth::Principal& principal) {
  action::Actor actor;
  actor.id = principal.name;
  for (auth::Role role :
       {auth::Role::kViewer, auth::Role::kResponder, auth::Role::kApprover, auth::Role::kAdmin}) {
    if (principal.Allows(role)) actor.roles.push_back(auth::RoleName(role));
  }
  return actor;
}

}  // namespace

nlohmann::json StepToJson(const stabilise::StepView& view) {
  const action::StepRecord& record = view.record;
  nlohmann::json approvals = nlohmann::json::array();
  for (const auto& vote : record.votes) {
    approvals.push_back({{"by", vote.actor},
                         {"at", FormatRfc3339(vote.time)},
                         {"decision", vote.approve ? "approve" : "deny"},
                         {"reason", vote.comment},
                         {"content_hash", vote.action_hash}});
  }
  nlohmann::json runs = nlohmann::json::array();
  for (const auto& run : record.runs) {
    runs.push_back(
        {{"attempt", run.attempt},
         {"execution_id", run.execution_id},
         {"started_at", TimeOrNull(run.started_at)},
         {"finished_at", TimeOrNull(run.finished_at)},
         {"outcome", run.outcome.empty() ? nlohmann::json(nullptr) : nlohmann::json(run.outcome)},
         {"output_excerpt", run.output_excerpt},
         {"evidence", run.evidence}});
  }
  nlohmann::json history = nlohmann::json::array();
  for (const auto& event : record.history) {
    history.push_back({{"from", action::StepStateName(event.from)},
                       {"to", action::StepStateName(event.to)},
                       {"actor", event.actor},
                       {"at", FormatRfc3339(event.time)},
                       {"reason", event.reason}});
  }
  nlohmann::json approval = nullptr;
  if (view.step.approval) {
    approval = {{"roles", record.approval.roles},
                {"count", record.approval.count},
                {"distinct_from_requester", record.approval.distinct_from_requester},
                {"expires_after_ms", record.approval.expires_after_ms},
                {"expires_at", TimeOrNull(record.approval_expires_at)},
                {"state", record.requested_by.empty()
                              ? "not_requested"
                              : std::string(action::ApprovalStateName(view.verdict.state))},
                {"given", view.verdict.approvals},
                {"needed", view.verdict.required},
                {"reason", view.verdict.reason}};
  }
  nlohmann::json body = {
      {"id", view.step.id},
      {"section", view.section},
      {"title", view.step.title},
      {"description", view.step.description},
      {"risk", runbook::RiskName(view.step.risk)},
      {"kind", runbook::ActionKindName(view.step.action)},
      {"auto", view.step.auto_run},
      {"state", action::StepStateName(record.state)},
      {"version", record.version},
      {"requires_approval", view.step.approval.has_value()},
      {"approval", approval},
      {"approvals", approvals},
      {"content_hash", view.rendered_ok ? nlohmann::json(view.rendered.content_hash) : nullptr},
      {"requested_content_hash",
       record.content_hash.empty() ? nlohmann::json(nullptr) : nlohmann::json(record.content_hash)},
      {"preview", view.rendered_ok ? view.rendered.preview : nlohmann::json(nullptr)},
      {"requested_by",
       record.requested_by.empty() ? nlohmann::json(nullptr) : nlohmann::json(record.requested_by)},
      {"requested_at", TimeOrNull(record.requested_at)},
      {"runs", runs},
      {"history", history}};
  if (!view.rendered_ok) body["render_error"] = view.render_error;
  return body;
}

void RegisterStepRoutes(HttpServer& server, const StepRoutesContext& context) {
  stabilise::StepService* steps = context.steps;
  auth::TokenService* tokens = context.tokens;

  server.Route(
      "GET", R"(/api/v1/incidents/([A-Za-z0-9-]+)/steps)", "steps_list",
      [steps](const Request& request) {
        auto id = IncidentIdParam(request);
        if (!id.ok()) return ProblemResponse(id.status());
        auto views = steps->List(*id);
        if (!views.ok()) return ProblemResponse(views.status());
        nlohmann::json list = nlohmann::json::array();
        for (const auto& view : *views) list.push_back(StepToJson(view));
        return JsonResponse(200, {{"incident", "INC-" + std::to_string(*id)}, {"steps", list}});
      });
  server.Route("GET", R"(/api/v1/incidents/([A-Za-z0-9-]+)/steps/([a-z0-9-]+))", "step_get",
               [steps](const Request& request) {
                 auto id = IncidentIdParam(request);
                 if (!id.ok()) return ProblemResponse(id.status());
                 auto view = steps->Get(*id, request.path_params.at(1));
                 if (!view.ok()) return ProblemResponse(view.status());
                 return JsonResponse(200, StepToJson(*view));
               });

  const std::pair<const char*, auth::Role> verbs[] = {
      {"request", auth::Role::kResponder}, {"approve", auth::Role::kApprover},
      {"deny", auth::Role::kApprover},     {"run", auth::Role::kResponder},
      {"confirm", auth::Role::kResponder}, {"skip", auth::Role::kResponder},
      {"dry-run", auth::Role::kResponder},
  };
  for (const auto& [verb_name, role] : verbs) {
    const std::string verb = verb_name;
    const auth::Role needed = role;
    server.Route(
        "POST", R"(/api/v1/incidents/([A-Za-z0-9-]+)/steps/([a-z0-9-]+)/)" + verb, "step_" + verb,
        [steps, tokens, verb, needed](const Request& request) {
          Response denied;
          auto principal = Authorize(*tokens, request, needed, denied);
          if (!principal) return denied;
          auto id = IncidentIdParam(request);
          if (!id.ok()) return ProblemResponse(id.status());
          auto body = ParseStepBody(request);
          if (!body.ok()) return ProblemResponse(body.status());
          const std::string& step_id = request.path_params.at(1);
          if (verb == "dry-run") {
            auto preview = steps->DryRun(*id, step_id, principal->name);
            if (!preview.ok()) return ProblemResponse(preview.status());
            return JsonResponse(200, *preview);
          }
          Result<stabilise::StepView> view = Status::Internal("unhandled step action " + verb);
          if (verb == "request") {
            view = steps->Request(*id, step_id, principal->name, body->reason);
          } else if (verb == "approve" || verb == "deny") {
            if (body->content_hash.empty()) {
              return ProblemResponse(400,
                                     "content_hash: required; send the hash of the content "
                                     "you reviewed");
            }
            view = verb == "approve" ? steps->Approve(*id, step_id, ActorOf(*principal),
                                                      body->content_hash, body->reason)
                                     : steps->Deny(*id, step_id, ActorOf(*principal),
                                                   body->content_hash, body->reason);
          } else if (verb == "run") {
            view = steps->Run(*id, step_id, principal->name, body->reason);
          } else if (verb == "confirm") {
            view = steps->Confirm(*id, step_id, principal->name, body->reason, body->failed);
          } else if (verb == "skip") {
            view = steps->Skip(*id, step_id, principal->name, body->reason);
          }
          if (!view.ok()) return ProblemResponse(view.status());
          return JsonResponse(verb == "run" ? 202 : 200, StepToJson(*view));
        });
  }
}

}  // namespace vakt::api
