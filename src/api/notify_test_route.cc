#include "api/notify_test_route.h"

#include "api/auth_guard.h"

namespace vakt::api {

void RegisterNotifyTestRoute(HttpServer& server, paging::PagingService* paging,
                             auth::TokenService* tokens) {
  server.Route(
      "POST", "/api/v1/notify/test", "notify_test", [paging, tokens](const Request& request) {
        Response denied;
        auto principal = Authorize(*tokens, request, auth::Role::kAdmin, denied);
        if (!principal) return denied;
        nlohmann::json body = nlohmann::json::parse(request.body, nullptr, false);
        if (!body.is_object()) return ProblemResponse(400, "body: expected a JSON object");
        for (const auto& [key, value] : body.items()) {
          if (key != "channel" && key != "to") return ProblemResponse(400, key + ": unknown field");
          if (!value.is_string()) return ProblemResponse(400, key + ": must be a string");
        }
        if (!body.contains("channel")) return ProblemResponse(400, "channel: required");
        const std::string channel = body["channel"].get<std::string>();
        const std::string to = body.value("to", "");
        Status sent = paging->SendTest(channel, to, principal->name);
        if (!sent.ok()) {
          if (sent.code() == StatusCode::kInvalidArgument ||
              sent.code() == StatusCode::kFailedPrecondition) {
            return ProblemResponse(sent);
          }
          // The receiver refused or was unreachable: a gateway problem, not vakt's.
          return ProblemResponse(sent.code() == StatusCode::kDeadlineExceeded ? 504 : 502,
                                 "the " + channel + " receiver: " + sent.message());
        }
        return JsonResponse(
            200, {{"channel", channel}, {"to", channel == "email" ? to : ""}, {"delivered", true}});
      });
}

}  // namespace vakt::api
