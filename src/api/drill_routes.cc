#include "api/drill_routes.h"

#include "api/guarded.h"
#include "common/json_parse.h"

namespace vakt::api {

Result<TimeMs> ParseSinceWindow(const Request& request) {
  std::string text = request.Query("since").value_or("30d");
  constexpr TimeMs kMaxWindow = 400LL * 24 * 3600 * 1000;
  if (text.size() < 2 || text.size() > 8)
    return Status::InvalidArgument("since: must look like 30d, 12h or 90m");
  char unit = text.back();
  std::string digits = text.substr(0, text.size() - 1);
  if (digits.find_first_not_of("0123456789") != std::string::npos) {
    return Status::InvalidArgument("since: must look like 30d, 12h or 90m");
  }
  TimeMs scale = unit == 'd'   ? 24 * 3600 * 1000
                 : unit == 'h' ? 3600 * 1000
                 : unit == 'm' ? 60 * 1000
                               : 0;
  if (scale == 0) return Status::InvalidArgument("since: unit must be d, h or m");
  TimeMs window = std::stoll(digits) * scale;
  if (window <= 0 || window > kMaxWindow)
    return Status::InvalidArgument("since: must be from 1m to 400d");
  return window;
}

namespace {

// DrillBody parses a drill request's JSON body; an empty body is {}.
Result<nlohmann::json> DrillBody(const Request& request) {
  JsonLimits limits;
  limits.max_depth = 4;
  return ParseJsonStrict(request.body.empty() ? "{}" : request.body, limits);
}

}  // namespace

void RegisterDrillRoutes(HttpServer& server, const DrillRoutesContext& context) {
  auto* drills = context.drills;
  auto* tokens = context.tokens;

  server.Route(
      "POST", "/api/v1/drills", "drill_start",
      Guarded(
          tokens, auth::Role::kResponder,
          [drills](const Request& request, const std::string& actor) {
            auto body = DrillBody(request);
            if (!body.ok()) return ProblemResponse(body.status());
            if (!body->is_object()) return ProblemResponse(400, "body: must be a JSON object");
            auto runbook = body->find("runbook");
            if (runbook == body->end() || !runbook->is_string() ||
                runbook->get<std::string>().empty() || runbook->get<std::string>().size() > 200) {
              return ProblemResponse(400, "runbook: must be a runbook id");
            }
            auto scenario = body->find("scenario");
            if (scenario != body->end() && !scenario->is_string()) {
              return ProblemResponse(400, "scenario: must be drift, regression or infra");
            }
            std::string chosen = scenario != body->end() ? scenario->get<std::string>() : "drift";
            auto started = drills->Start(runbook->get<std::string>(), chosen, actor);
            if (!started.ok()) return ProblemResponse(started.status());
            return JsonResponse(201, *started);
          }));

  if (auto* schedules = context.schedules; schedules != nullptr) {
    server.Route("POST", "/api/v1/drills/schedules", "drill_schedule_create",
                 Guarded(tokens, auth::Role::kResponder,
                         [schedules](const Request& request, const std::string& actor) {
                           auto body = DrillBody(request);
                           if (!body.ok()) return ProblemResponse(body.status());
                           auto created = schedules->Create(*body, actor);
                           if (!created.ok()) return ProblemResponse(created.status());
                           return JsonResponse(201, *created);
                         }));
    server.Route("GET", "/api/v1/drills/schedules", "drill_schedule_list",
                 [schedules](const Request&) {
                   auto listed = schedules->List();
                   if (!listed.ok()) return ProblemResponse(listed.status());
                   return JsonResponse(200, *listed);
                 });
    server.Route("DELETE", R"(/api/v1/drills/schedules/([0-9]{1,15}))", "drill_schedule_delete",
                 Guarded(tokens, auth::Role::kResponder,
                         [schedules](const Request& request, const std::string& actor) {
                           Status deleted =
                               schedules->Delete(std::stoll(request.path_params.at(0)), actor);
                           if (!deleted.ok()) return ProblemResponse(deleted);
                           Response response;
                           response.status = 204;
                           return response;
                         }));
  }

  server.Route("GET", "/api/v1/drills/scoreboard", "drill_scoreboard",
               [drills, clock = context.clock](const Request& request) {
                 auto window = ParseSinceWindow(request);
                 if (!window.ok()) return ProblemResponse(window.status());
                 auto board = drills->Scoreboard(clock->NowMs() - *window);
                 if (!board.ok()) return ProblemResponse(board.status());
                 return JsonResponse(200, *board);
               });
}

}  // namespace vakt::api
