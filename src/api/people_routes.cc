#include "api/people_routes.h"

#include <string>

#include "api/auth_guard.h"
#include "common/time_format.h"

namespace vakt::api {
namespace {

constexpr const char* kIdPattern = "([A-Za-z0-9][A-Za-z0-9._@-]{0,127})";

nlohmann::json UserJson(const oncall::User& user) {
  nlohmann::json contact = nlohmann::json::object();
  for (const oncall::ContactMethod& method : user.contacts) {
    contact[oncall::ContactKindName(method.kind)] = method.address;
  }
  nlohmann::json rules = nlohmann::json::array();
  for (const oncall::NotificationRule& rule : user.notification_rules) {
    rules.push_back(
        {{"after", FormatDuration(rule.delay)}, {"via", oncall::ContactKindName(rule.kind)}});
  }
  return {
      {"id", user.id}, {"name", user.name}, {"contact", contact}, {"notification_rules", rules}};
}

nlohmann::json TeamJson(const oncall::Team& team) {
  return {{"id", team.id}, {"name", team.name}, {"members", team.members}};
}

void AddOrigin(nlohmann::json& item, const Result<paging::PeopleEntry>& origin) {
  if (!origin.ok()) return;
  item["source"] = paging::PersonSourceName(origin->source);
  item["version"] = origin->version;
}

// ExpectedVersion reads an optional If-Match header ("3" or "\"3\"").
Result<std::optional<std::int64_t>> ExpectedVersion(const Request& request) {
  auto header = request.Header("if-match");
  if (!header) return std::optional<std::int64_t>();
  std::string text = *header;
  if (text.size() >= 2 && text.front() == '"' && text.back() == '"') {
    text = text.substr(1, text.size() - 2);
  }
  if (text.empty() || text.size() > 18 ||
      text.find_first_not_of("0123456789") != std::string::npos) {
    return Status::InvalidArgument("If-Match: must be a version number");
  }
  return std::optional<std::int64_t>(std::stoll(text));
}

}  // namespace

void RegisterPeopleRoutes(HttpServer& server, paging::PagingService* paging,
                          auth::TokenService* tokens) {
  server.Route("GET", "/api/v1/users", "users_list", [paging](const Request&) {
    if (Status refreshed = paging->RefreshPeople(); !refreshed.ok()) {
      return ProblemResponse(refreshed);
    }
    auto config = paging->oncall().Get();
    nlohmann::json list = nlohmann::json::array();
    for (const auto& [id, user] : config->directory.users()) {
      nlohmann::json item = UserJson(user);
      AddOrigin(item, paging->people().UserOrigin(id));
      list.push_back(std::move(item));
    }
    return JsonResponse(200, {{"users", list}});
  });
  server.Route("GET", std::string("/api/v1/users/") + kIdPattern, "users_get",
               [paging](const Request& request) {
                 const std::string& id = request.path_params.at(0);
                 if (Status refreshed = paging->RefreshPeople(); !refreshed.ok()) {
                   return ProblemResponse(refreshed);
                 }
                 auto config = paging->oncall().Get();
                 const oncall::User* user = config->directory.FindUser(id);
                 if (user == nullptr) return ProblemResponse(404, "no user " + id);
                 nlohmann::json item = UserJson(*user);
                 AddOrigin(item, paging->people().UserOrigin(id));
                 return JsonResponse(200, item);
               });
  server.Route("PUT", std::string("/api/v1/users/") + kIdPattern, "users_put",
               [paging, tokens](const Request& request) {
                 Response denied;
                 auto principal = Authorize(*tokens, request, auth::Role::kAdmin, denied);
                 if (!principal) return denied;
                 const std::string& id = request.path_params.at(0);
                 auto expected = ExpectedVersion(request);
                 if (!expected.ok()) return ProblemResponse(expected.status());
                 auto version =
                     paging->people().PutUser(id, request.body, *expected, principal->name);
                 if (!version.ok()) return ProblemResponse(version.status());
                 const oncall::User* user = paging->oncall().Get()->directory.FindUser(id);
                 nlohmann::json item = user ? UserJson(*user) : nlohmann::json{{"id", id}};
                 item["source"] = "api";
                 item["version"] = *version;
                 return JsonResponse(200, item);
               });
  server.Route("DELETE", std::string("/api/v1/users/") + kIdPattern, "users_delete",
               [paging, tokens](const Request& request) {
                 Response denied;
                 auto principal = Authorize(*tokens, request, auth::Role::kAdmin, denied);
                 if (!principal) return denied;
                 const std::string& id = request.path_params.at(0);
                 Status deleted = paging->people().DeleteUser(id, principal->name);
                 if (!deleted.ok()) return ProblemResponse(deleted);
                 return JsonResponse(200, {{"id", id}, {"deleted", true}});
               });

  server.Route("GET", "/api/v1/teams", "teams_list", [paging](const Request&) {
    if (Status refreshed = paging->RefreshPeople(); !refreshed.ok()) {
      return ProblemResponse(refreshed);
    }
    auto config = paging->oncall().Get();
    nlohmann::json list = nlohmann::json::array();
    for (const auto& [id, team] : config->directory.teams()) {
      nlohmann::json item = TeamJson(team);
      AddOrigin(item, paging->people().TeamOrigin(id));
      list.push_back(std::move(item));
    }
    return JsonResponse(200, {{"teams", list}});
  });
  server.Route("GET", std::string("/api/v1/teams/") + kIdPattern, "teams_get",
               [paging](const Request& request) {
                 const std::string& id = request.path_params.at(0);
                 if (Status refreshed = paging->RefreshPeople(); !refreshed.ok()) {
                   return ProblemResponse(refreshed);
                 }
                 auto config = paging->oncall().Get();
                 const oncall::Team* team = config->directory.FindTeam(id);
                 if (team == nullptr) return ProblemResponse(404, "no team " + id);
                 nlohmann::json item = TeamJson(*team);
                 AddOrigin(item, paging->people().TeamOrigin(id));
                 return JsonResponse(200, item);
               });
  server.Route("PUT", std::string("/api/v1/teams/") + kIdPattern, "teams_put",
               [paging, tokens](const Request& request) {
                 Response denied;
                 auto principal = Authorize(*tokens, request, auth::Role::kAdmin, denied);
                 if (!principal) return denied;
                 const std::string& id = request.path_params.at(0);
                 auto expected = ExpectedVersion(request);
                 if (!expected.ok()) return ProblemResponse(expected.status());
                 auto version =
                     paging->people().PutTeam(id, request.body, *expected, principal->name);
                 if (!version.ok()) return ProblemResponse(version.status());
                 const oncall::Team* team = paging->oncall().Get()->directory.FindTeam(id);
                 nlohmann::json item = team ? TeamJson(*team) : nlohmann::json{{"id", id}};
                 item["source"] = "api";
                 item["version"] = *version;
                 return JsonResponse(200, item);
               });
  server.Route("DELETE", std::string("/api/v1/teams/") + kIdPattern, "teams_delete",
               [paging, tokens](const Request& request) {
                 Response denied;
                 auto principal = Authorize(*tokens, request, auth::Role::kAdmin, denied);
                 if (!principal) return denied;
                 const std::string& id = request.path_params.at(0);
                 Status deleted = paging->people().DeleteTeam(id, principal->name);
                 if (!deleted.ok()) return ProblemResponse(deleted);
                 return JsonResponse(200, {{"id", id}, {"deleted", true}});
               });
}

}  // namespace vakt::api
