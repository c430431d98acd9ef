#include "api/proposal_routes.h"

#include "api/guarded.h"
#include "common/json_parse.h"

namespace vakt::api {
namespace {

Result<nlohmann::json> JsonBody(const Request& request) {
  if (request.body.empty()) return nlohmann::json::object();
  JsonLimits limits;
  limits.max_depth = 32;
  return ParseJsonStrict(request.body, limits);
}

Result<std::int64_t> ProposalId(const Request& request) {
  const std::string& text = request.path_params.at(0);
  if (text.empty() || text.size() > 15)
    return Status::InvalidArgument("proposal: must be a number");
  return std::stoll(text);
}

Response Answer(const Result<nlohmann::json>& result, int ok_status = 200) {
  if (!result.ok()) return ProblemResponse(result.status());
  return JsonResponse(ok_status, *result);
}

}  // namespace

void RegisterProposalRoutes(HttpServer& server, const ProposalRoutesContext& context) {
  auto* proposals = context.proposals;
  auto* tokens = context.tokens;

  server.Route("POST", R"(/api/v1/runbooks/([A-Za-z0-9._-]+)/proposals)", "proposal_create",
               Guarded(tokens, auth::Role::kResponder,
                       [proposals](const Request& request, const std::string& actor) {
                         auto body = JsonBody(request);
                         if (!body.ok()) return ProblemResponse(body.status());
                         return Answer(proposals->Create(request.path_params.at(0), *body, actor),
                                       201);
                       }));
  server.Route("GET", R"(/api/v1/runbooks/([A-Za-z0-9._-]+)/proposals)", "proposal_list_runbook",
               [proposals](const Request& request) {
                 return Answer(proposals->List(request.path_params.at(0)));
               });
  server.Route("GET", "/api/v1/proposals", "proposal_list",
               [proposals](const Request&) { return Answer(proposals->List("")); });
  server.Route("GET", R"(/api/v1/proposals/([0-9]+))", "proposal_get",
               [proposals](const Request& request) {
                 auto id = ProposalId(request);
                 if (!id.ok()) return ProblemResponse(id.status());
                 return Answer(proposals->Get(*id));
               });
  server.Route("POST", R"(/api/v1/proposals/([0-9]+)/review)", "proposal_review",
               Guarded(tokens, auth::Role::kApprover,
                       [proposals](const Request& request, const std::string& actor) {
                         auto id = ProposalId(request);
                         if (!id.ok()) return ProblemResponse(id.status());
                         auto body = JsonBody(request);
                         if (!body.ok()) return ProblemResponse(body.status());
                         return Answer(proposals->Review(*id, *body, actor));
                       }));
  server.Route("POST", R"(/api/v1/proposals/([0-9]+)/apply)", "proposal_apply",
               Guarded(tokens, auth::Role::kApprover,
                       [proposals](const Request& request, const std::string& actor) {
                         auto id = ProposalId(request);
                         if (!id.ok()) return ProblemResponse(id.status());
                         return Answer(proposals->Apply(*id, actor));
                       }));
}

}  // namespace vakt::api
