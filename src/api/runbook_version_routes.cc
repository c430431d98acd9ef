#include "api/runbook_version_routes.h"

#include "retro/line_diff.h"

namespace vakt::api {
namespace {

nlohmann::json VersionJson(const storage::RunbookVersion& version, bool with_content) {
  nlohmann::json body = {
      {"runbook_id", version.runbook_id},
      {"version", version.version},
      {"content_hash", version.content_hash},
      {"author", version.author},
      {"created_at", version.created_at},
      {"message", version.message},
      {"source", version.source},
      {"incident", version.incident_id > 0
                       ? nlohmann::json("INC-" + std::to_string(version.incident_id))
                       : nlohmann::json(nullptr)},
      {"proposal_id",
       version.proposal_id > 0 ? nlohmann::json(version.proposal_id) : nlohmann::json(nullptr)}};
  if (with_content) body["content"] = version.content;
  return body;
}

// ParseVersionNumber reads a positive version number from `text`; InvalidArgument naming `field`.
Result<std::int64_t> ParseVersionNumber(const std::string& text, const std::string& field) {
  if (text.empty() || text.size() > 9 ||
      text.find_first_not_of("0123456789") != std::string::npos) {
    return Status::InvalidArgument(field + ": must be a version number from 1");
  }
  std::int64_t number = std::stoll(text);
  if (number < 1) return Status::InvalidArgument(field + ": must be a version number from 1");
  return number;
}

}  // namespace

void RegisterRunbookVersionRoutes(HttpServer& server, const RunbookVersionRoutesContext& context) {
  auto* versions = context.versions;

  server.Route("GET", R"(/api/v1/runbooks/([A-Za-z0-9._-]+)/versions)", "runbook_versions",
               [versions](const Request& request) {
                 const std::string& id = request.path_params.at(0);
                 auto list = versions->List(id);
                 if (!list.ok()) return ProblemResponse(list.status());
                 if (list->empty())
                   return ProblemResponse(404, "runbook " + id + " has no recorded versions");
                 nlohmann::json items = nlohmann::json::array();
                 for (const auto& version : *list) items.push_back(VersionJson(version, false));
                 return JsonResponse(200, {{"runbook_id", id}, {"versions", items}});
               });

  server.Route("GET", R"(/api/v1/runbooks/([A-Za-z0-9._-]+)/versions/([0-9]+))", "runbook_version",
               [versions](const Request& request) {
                 auto number = ParseVersionNumber(request.path_params.at(1), "version");
                 if (!number.ok()) return ProblemResponse(number.status());
                 auto version = versions->Get(request.path_params.at(0), *number);
                 if (!version.ok()) return ProblemResponse(version.status());
                 return JsonResponse(200, VersionJson(*version, true));
               });

  server.Route("GET", R"(/api/v1/runbooks/([A-Za-z0-9._-]+)/diff)", "runbook_diff",
               [versions](const Request& request) {
                 const std::string& id = request.path_params.at(0);
                 auto latest = versions->Latest(id);
                 if (!latest.ok()) return ProblemResponse(latest.status());
                 std::int64_t to = latest->version;
                 if (auto text = request.Query("to")) {
                   auto parsed = ParseVersionNumber(*text, "to");
                   if (!parsed.ok()) return ProblemResponse(parsed.status());
                   to = *parsed;
                 }
                 std::int64_t from = to > 1 ? to - 1 : 1;
                 if (auto text = request.Query("from")) {
                   auto parsed = ParseVersionNumber(*text, "from");
                   if (!parsed.ok()) return ProblemResponse(parsed.status());
                   from = *parsed;
                 }
                 auto before = versions->Get(id, from);
                 if (!before.ok()) return ProblemResponse(before.status());
                 auto after = versions->Get(id, to);
                 if (!after.ok()) return ProblemResponse(after.status());
                 std::string diff = retro::UnifiedDiff(before->content, after->content,
                                                       id + "@v" + std::to_string(from),
                                                       id + "@v" + std::to_string(to));
                 return JsonResponse(200, {{"runbook_id", id},
                                           {"from", VersionJson(*before, false)},
                                           {"to", VersionJson(*after, false)},
                                           {"diff", diff}});
               });
}

}  // namespace vakt::api
