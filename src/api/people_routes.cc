#include "api/people_routes.h"

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "api/auth_guard.h"
#include "api/guarded.h"
#include "paging/people.h"

namespace vakt::api {
namespace {

constexpr const char* kIdPattern = "([A-Za-z0-9][A-Za-z0-9._@-]{0,127})";

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

// PeopleCollection describes users or teams to the shared list/get/put/delete routes: the same
// REST shape, refresh-before-read, admin-only mutations and If-Match versioning for both.
struct PeopleCollection {
  std::string plural;    // "users": the path segment and the list's key
  std::string singular;  // "user": used in 404 messages
  // Json returns the entry's representation, or null when `id` is not defined now.
  std::function<nlohmann::json(const escalation::OncallConfig&, const std::string& id)> json;
  std::function<std::vector<std::string>(const escalation::OncallConfig&)> ids;
  std::function<Result<paging::PeopleEntry>(paging::People&, const std::string&)> origin;
  std::function<Result<std::int64_t>(paging::People&, const std::string&, std::string_view,
                                     std::optional<std::int64_t>, const std::string&)>
      put;
  std::function<Status(paging::People&, const std::string&, const std::string&)> remove;
};

void RegisterCollection(HttpServer& server, paging::PagingService* paging,
                        auth::TokenService* tokens, const PeopleCollection& kind) {
  const std::string base = "/api/v1/" + kind.plural;
  const std::string item_path = base + "/" + kIdPattern;
  server.Route("GET", base, kind.plural + "_list", [paging, kind](const Request&) {
    if (Status refreshed = paging->RefreshPeople(); !refreshed.ok()) {
      return ProblemResponse(refreshed);
    }
    auto config = paging->oncall().Get();
    nlohmann::json list = nlohmann::json::array();
    for (const std::string& id : kind.ids(*config)) {
      nlohmann::json item = kind.json(*config, id);
      AddOrigin(item, kind.origin(paging->people(), id));
      list.push_back(std::move(item));
    }
    return JsonResponse(200, {{kind.plural, list}});
  });
  server.Route("GET", item_path, kind.plural + "_get", [paging, kind](const Request& request) {
    const std::string& id = request.path_params.at(0);
    if (Status refreshed = paging->RefreshPeople(); !refreshed.ok()) {
      return ProblemResponse(refreshed);
    }
    nlohmann::json item = kind.json(*paging->oncall().Get(), id);
    if (item.is_null()) return ProblemResponse(404, "no " + kind.singular + " " + id);
    AddOrigin(item, kind.origin(paging->people(), id));
    return JsonResponse(200, item);
  });
  server.Route("PUT", item_path, kind.plural + "_put",
               Guarded(tokens, auth::Role::kAdmin,
                       [paging, kind](const Request& request, const std::string& actor) {
                         const std::string& id = request.path_params.at(0);
                         auto expected = ExpectedVersion(request);
                         if (!expected.ok()) return ProblemResponse(expected.status());
                         auto version =
                             kind.put(paging->people(), id, request.body, *expected, actor);
                         if (!version.ok()) return ProblemResponse(version.status());
                         nlohmann::json item = kind.json(*paging->oncall().Get(), id);
                         if (item.is_null()) item = {{"id", id}};
                         item["source"] = "api";
                         item["version"] = *version;
                         return JsonResponse(200, item);
                       }));
  server.Route("DELETE", item_path, kind.plural + "_delete",
               Guarded(tokens, auth::Role::kAdmin,
                       [paging, kind](const Request& request, const std::string& actor) {
                         const std::string& id = request.path_params.at(0);
                         Status deleted = kind.remove(paging->people(), id, actor);
                         if (!deleted.ok()) return ProblemResponse(deleted);
                         return JsonResponse(200, {{"id", id}, {"deleted", true}});
                       }));
}

template <typename Map>
std::vector<std::string> KeysOf(const Map& map) {
  std::vector<std::string> keys;
  for (const auto& entry : map) keys.push_back(entry.first);
  return keys;
}

}  // namespace

void RegisterPeopleRoutes(HttpServer& server, paging::PagingService* paging,
                          auth::TokenService* tokens) {
  RegisterCollection(
      server, paging, tokens,
      {"users", "user",
       [](const escalation::OncallConfig& config, const std::string& id) {
         const oncall::User* user = config.directory.FindUser(id);
         return user ? paging::UserJson(*user) : nlohmann::json();
       },
       [](const escalation::OncallConfig& config) { return KeysOf(config.directory.users()); },
       [](paging::People& people, const std::string& id) { return people.UserOrigin(id); },
       [](paging::People& people, const std::string& id, std::string_view body,
          std::optional<std::int64_t> expected,
          const std::string& actor) { return people.PutUser(id, body, expected, actor); },
       [](paging::People& people, const std::string& id, const std::string& actor) {
         return people.DeleteUser(id, actor);
       }});
  RegisterCollection(
      server, paging, tokens,
      {"teams", "team",
       [](const escalation::OncallConfig& config, const std::string& id) {
         const oncall::Team* team = config.directory.FindTeam(id);
         return team ? paging::TeamJson(*team) : nlohmann::json();
       },
       [](const escalation::OncallConfig& config) { return KeysOf(config.directory.teams()); },
       [](paging::People& people, const std::string& id) { return people.TeamOrigin(id); },
       [](paging::People& people, const std::string& id, std::string_view body,
          std::optional<std::int64_t> expected,
          const std::string& actor) { return people.PutTeam(id, body, expected, actor); },
       [](paging::People& people, const std::string& id, const std::string& actor) {
         return people.DeleteTeam(id, actor);
       }});
}

}  // namespace vakt::api
