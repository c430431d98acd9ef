#include "api/oncall_routes.h"

#include <set>

#include "api/auth_guard.h"
#include "api/notify_test_route.h"
#include "api/people_routes.h"
#include "common/json_parse.h"
#include "common/time_format.h"
#include "oncall/schedule.h"

namespace vakt::api {
namespace {

constexpr TimeMs kDay = 24LL * 3600 * 1000;
constexpr TimeMs kMaxShiftWindow = 93 * kDay;
constexpr TimeMs kNextHorizon = 35 * kDay;  // look this far ahead for the next handoff

// ParseInstant reads RFC 3339 or Unix milliseconds; the error names `field`.
Result<TimeMs> ParseInstant(const std::string& text, const std::string& field) {
  auto parsed = ParseRfc3339(text);
  if (parsed.ok()) return *parsed;
  try {
    size_t used = 0;
    long long ms = std::stoll(text, &used);
    if (used == text.size()) return static_cast<TimeMs>(ms);
  } catch (const std::exception&) {
  }
  return Status::InvalidArgument(field + ": must be an RFC 3339 time or Unix milliseconds");
}

// NextHandoff finds the first instant after `now` where the set of people on call changes.
nlohmann::json NextHandoff(const oncall::Schedule& schedule, TimeMs now) {
  std::vector<std::string> current = oncall::WhoIsOnCall(schedule, now);
  std::set<TimeMs> boundaries;
  for (const oncall::Shift& shift : oncall::FinalSchedule(schedule, now, now + kNextHorizon)) {
    if (shift.start > now) boundaries.insert(shift.start);
    if (shift.end > now && shift.end < now + kNextHorizon) boundaries.insert(shift.end);
  }
  for (TimeMs at : boundaries) {
    std::vector<std::string> next = oncall::WhoIsOnCall(schedule, at);
    if (next != current) return {{"users", next}, {"at", FormatRfc3339(at)}};
  }
  return nullptr;
}

nlohmann::json ScheduleNow(const oncall::Schedule& schedule, TimeMs now) {
  return {{"id", schedule.id},
          {"name", schedule.name},
          {"time_zone", schedule.time_zone_name},
          {"on_call", oncall::WhoIsOnCall(schedule, now)},
          {"next", NextHandoff(schedule, now)}};
}

nlohmann::json ScheduleSummary(const oncall::Schedule& schedule) {
  nlohmann::json layers = nlohmann::json::array();
  for (const oncall::Layer& layer : schedule.layers) {
    layers.push_back({{"name", layer.name}, {"users", layer.users}});
  }
  nlohmann::json overrides = nlohmann::json::array();
  for (const oncall::Override& entry : schedule.overrides) {
    overrides.push_back({{"user", entry.user},
                         {"start", FormatRfc3339(entry.start)},
                         {"end", FormatRfc3339(entry.end)}});
  }
  return {{"id", schedule.id},
          {"name", schedule.name},
          {"time_zone", schedule.time_zone_name},
          {"layers", layers},
          {"overrides", overrides}};
}

}  // namespace

void RegisterOncallRoutes(HttpServer& server, const OncallRoutesContext& context) {
  RegisterPeopleRoutes(server, context.paging, context.tokens);
  RegisterNotifyTestRoute(server, context.paging, context.tokens);
  paging::PagingService* paging = context.paging;
  auth::TokenService* tokens = context.tokens;
  const Clock* clock = context.clock;

  server.Route("GET", "/api/v1/oncall/now", "oncall_now", [paging, clock](const Request& request) {
    auto config = paging->oncall().Get();
    TimeMs now = clock->NowMs();
    nlohmann::json list = nlohmann::json::array();
    if (auto wanted = request.Query("schedule")) {
      const oncall::Schedule* schedule = config->directory.FindSchedule(*wanted);
      if (schedule == nullptr) return ProblemResponse(404, "schedule: no schedule " + *wanted);
      list.push_back(ScheduleNow(*schedule, now));
    } else {
      for (const auto& [id, schedule] : config->directory.schedules()) {
        list.push_back(ScheduleNow(schedule, now));
      }
    }
    return JsonResponse(200, {{"at", FormatRfc3339(now)}, {"schedules", list}});
  });

  server.Route("GET", "/api/v1/schedules", "schedules_list", [paging](const Request&) {
    auto config = paging->oncall().Get();
    nlohmann::json list = nlohmann::json::array();
    for (const auto& [id, schedule] : config->directory.schedules()) {
      list.push_back(ScheduleSummary(schedule));
    }
    return JsonResponse(200, {{"schedules", list}});
  });

  server.Route("GET", R"(/api/v1/schedules/([A-Za-z0-9._-]+)/shifts)", "schedule_shifts",
               [paging, clock](const Request& request) {
                 auto config = paging->oncall().Get();
                 const std::string& id = request.path_params.at(0);
                 const oncall::Schedule* schedule = config->directory.FindSchedule(id);
                 if (schedule == nullptr) return ProblemResponse(404, "no schedule " + id);
                 TimeMs from = clock->NowMs();
                 TimeMs to = from + 7 * kDay;
                 if (auto text = request.Query("from")) {
                   auto parsed = ParseInstant(*text, "from");
                   if (!parsed.ok()) return ProblemResponse(parsed.status());
                   from = *parsed;
                   to = from + 7 * kDay;
                 }
                 if (auto text = request.Query("to")) {
                   auto parsed = ParseInstant(*text, "to");
                   if (!parsed.ok()) return ProblemResponse(parsed.status());
                   to = *parsed;
                 }
                 if (to < from) return ProblemResponse(400, "to: must not be before from");
                 if (to - from > kMaxShiftWindow) {
                   return ProblemResponse(400, "to: at most 93 days after from");
                 }
                 nlohmann::json shifts = nlohmann::json::array();
                 for (const oncall::Shift& shift : oncall::FinalSchedule(*schedule, from, to)) {
                   shifts.push_back({{"user", shift.user},
                                     {"start", FormatRfc3339(shift.start)},
                                     {"end", FormatRfc3339(shift.end)}});
                 }
                 return JsonResponse(200, {{"schedule", id},
                                           {"from", FormatRfc3339(from)},
                                           {"to", FormatRfc3339(to)},
                                           {"shifts", shifts}});
               });

  server.Route("GET", "/api/v1/escalation-policies", "escalation_policies",
               [paging](const Request&) {
                 auto config = paging->oncall().Get();
                 nlohmann::json list = nlohmann::json::array();
                 for (const auto& [id, policy] : config->policies) {
                   nlohmann::json levels = nlohmann::json::array();
                   for (const escalation::Level& level : policy.levels) {
                     nlohmann::json targets = nlohmann::json::array();
                     for (const auto& target : level.targets) targets.push_back(target.ToString());
                     levels.push_back({{"targets", targets},
                                       {"delay", FormatDuration(level.delay)},
                                       {"delay_ms", level.delay},
                                       {"round_robin", level.round_robin}});
                   }
                   list.push_back({{"id", policy.id},
                                   {"name", policy.name},
                                   {"repeat", policy.repeat},
                                   {"levels", levels}});
                 }
                 return JsonResponse(200, {{"escalation_policies", list}});
               });

  server.Route(
      "POST", R"(/api/v1/schedules/([A-Za-z0-9._-]+)/overrides)", "schedule_override",
      [paging, tokens](const Request& request) {
        Response denied;
        auto principal = Authorize(*tokens, request, auth::Role::kApprover, denied);
        if (!principal) return denied;
        JsonLimits limits;
        limits.max_depth = 4;
        auto body = ParseJsonStrict(request.body, limits);
        if (!body.ok()) return ProblemResponse(body.status());
        if (!body->is_object()) return ProblemResponse(400, "body: must be a JSON object");
        std::string fields[3];
        const char* names[3] = {"user", "start", "end"};
        for (int index = 0; index < 3; ++index) {
          auto found = body->find(names[index]);
          if (found == body->end() || !found->is_string() || found->get<std::string>().empty() ||
              found->get<std::string>().size() > 200) {
            return ProblemResponse(400, std::string(names[index]) +
                                            ": required, a non-empty string of at most 200 bytes");
          }
          fields[index] = found->get<std::string>();
        }
        for (const auto& [key, value] : body->items()) {
          if (key != "user" && key != "start" && key != "end") {
            return ProblemResponse(400, key + ": unknown field");
          }
        }
        auto start = ParseInstant(fields[1], "start");
        if (!start.ok()) return ProblemResponse(start.status());
        auto end = ParseInstant(fields[2], "end");
        if (!end.ok()) return ProblemResponse(end.status());
        auto id = paging->AddOverride(request.path_params.at(0), fields[0], *start, *end,
                                      principal->name);
        if (!id.ok()) return ProblemResponse(id.status());
        return JsonResponse(201, {{"id", *id},
                                  {"schedule", request.path_params.at(0)},
                                  {"user", fields[0]},
                                  {"start", FormatRfc3339(*start)},
                                  {"end", FormatRfc3339(*end)}});
      });
}

}  // namespace vakt::api
