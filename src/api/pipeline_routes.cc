#include "api/pipeline_routes.h"

#include <fmt/format.h>

#include "api/auth_guard.h"
#include "catalog/change_window.h"

namespace vakt::api {
namespace {

constexpr size_t kMaxPipelineDocumentBytes = 256 * 1024;
constexpr const char* kPipelineIdPattern = "([A-Za-z0-9][A-Za-z0-9._-]{0,127})";

nlohmann::json ModelsJson(const catalog::Pipeline& pipeline) {
  nlohmann::json models = nlohmann::json::array();
  for (const auto& model : pipeline.models) {
    models.push_back({{"name", model.name}, {"registry_name", model.registry_name}});
  }
  return models;
}

nlohmann::json PipelineSummary(const catalog::Pipeline& pipeline, TimeMs now) {
  return {{"id", pipeline.id},
          {"title", pipeline.title},
          {"team", pipeline.team},
          {"owners", pipeline.owners},
          {"models", ModelsJson(pipeline)},
          {"inside_change_window", catalog::InsideChangeWindow(pipeline, now)},
          {"risks", pipeline.risks.size()}};
}

nlohmann::json ChangeWindowJson(const catalog::ChangeWindow& window) {
  static constexpr const char* kDays[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};
  nlohmann::json days = nlohmann::json::array();
  for (int day = 0; day < 7; ++day) {
    if (window.days[day]) days.push_back(kDays[day]);
  }
  return {{"days", days},
          {"start", fmt::format("{:02}:{:02}", window.start_minute / 60, window.start_minute % 60)},
          {"duration_minutes", window.duration_ms / 60'000},
          {"time_zone", window.time_zone}};
}

nlohmann::json PipelineDetail(const catalog::Pipeline& pipeline, TimeMs now) {
  nlohmann::json detail = PipelineSummary(pipeline, now);
  detail["description"] = pipeline.description;
  detail["data_sources"] = pipeline.data_sources;
  nlohmann::json processes = nlohmann::json::array();
  for (const auto& process : pipeline.business_processes) {
    processes.push_back({{"name", process.name},
                         {"slo", process.slo},
                         {"criticality", catalog::CriticalityName(process.criticality)}});
  }
  detail["business_processes"] = processes;
  nlohmann::json windows = nlohmann::json::array();
  for (const auto& window : pipeline.change_windows) windows.push_back(ChangeWindowJson(window));
  detail["change_windows"] = windows;
  nlohmann::json dashboards = nlohmann::json::array();
  for (const auto& dashboard : pipeline.dashboards) {
    dashboards.push_back({{"title", dashboard.title}, {"url", dashboard.url}});
  }
  detail["dashboards"] = dashboards;
  nlohmann::json risks = nlohmann::json::array();
  for (const auto& risk : pipeline.risks) {
    risks.push_back({{"id", risk.id},
                     {"title", risk.title},
                     {"owner", risk.owner},
                     {"status", catalog::RiskStatusName(risk.status)},
                     {"opened_from_incident", risk.opened_from_incident}});
  }
  detail["risks"] = risks;
  nlohmann::json regimes = nlohmann::json::array();
  for (const auto& regulatory : pipeline.regulatory) {
    regimes.push_back({{"regime", catalog::RegimeName(regulatory.regime)},
                       {"effective_from", regulatory.effective_from}});
  }
  detail["regulatory"] = regimes;
  return detail;
}

// ExpectedVersion reads an optional If-Match header ("3" or "\"3\""); "0" means "must be new".
Result<std::optional<std::int64_t>> ExpectedVersion(const Request& request) {
  auto header = request.Header("if-match");
  if (!header) return std::optional<std::int64_t>();
  std::string text = *header;
  if (text.size() >= 2 && text.front() == '"' && text.back() == '"')
    text = text.substr(1, text.size() - 2);
  if (text.empty() || text.size() > 18 ||
      text.find_first_not_of("0123456789") != std::string::npos) {
    return Status::InvalidArgument("If-Match: must be a pipeline version number");
  }
  return std::optional<std::int64_t>(std::stoll(text));
}

Result<std::string> StoredSource(storage::SqlCatalogStore& store, const std::string& id,
                                 std::int64_t* version) {
  VAKT_ASSIGN_OR_RETURN(auto stored, store.ListPipelines());
  for (const auto& entry : stored) {
    if (entry.id == id) {
      *version = entry.version;
      return std::string("api");
    }
  }
  return std::string("file");
}

}  // namespace

void RegisterPipelineRoutes(HttpServer& server, const PipelineRoutesContext& context) {
  auto* incidents = context.incidents;
  auto* clock = context.clock;
  auto* store = context.store;
  auto* tokens = context.tokens;
  server.Route("GET", "/api/v1/pipelines", "pipelines_list", [incidents, clock](const Request&) {
    auto routing = incidents->routing();
    nlohmann::json list = nlohmann::json::array();
    if (routing.catalog) {
      for (const auto& pipeline : routing.catalog->pipelines()) {
        list.push_back(PipelineSummary(pipeline, clock->NowMs()));
      }
    }
    return JsonResponse(200, {{"pipelines", list}});
  });
  server.Route("GET", std::string("/api/v1/pipelines/") + kPipelineIdPattern, "pipelines_get",
               [incidents, clock, store](const Request& request) {
                 const std::string& id = request.path_params.at(0);
                 auto routing = incidents->routing();
                 const catalog::Pipeline* pipeline =
                     routing.catalog ? routing.catalog->FindPipeline(id) : nullptr;
                 if (pipeline == nullptr) return ProblemResponse(404, "no pipeline " + id);
                 nlohmann::json body = PipelineDetail(*pipeline, clock->NowMs());
                 std::int64_t version = 0;
                 auto source = StoredSource(*store, id, &version);
                 if (!source.ok()) return ProblemResponse(source.status());
                 body["source"] = *source;
                 body["version"] = version;
                 return JsonResponse(200, body);
               });
  server.Route("PUT", std::string("/api/v1/pipelines/") + kPipelineIdPattern, "pipelines_put",
               [context, store, tokens, clock](const Request& request) {
                 Response denied;
                 auto principal = Authorize(*tokens, request, auth::Role::kAdmin, denied);
                 if (!principal) return denied;
                 const std::string& id = request.path_params.at(0);
                 if (request.body.size() > kMaxPipelineDocumentBytes) {
                   return ProblemResponse(413, fmt::format("body: pipeline document over {} bytes",
                                                           kMaxPipelineDocumentBytes));
                 }
                 auto expected = ExpectedVersion(request);
                 if (!expected.ok()) return ProblemResponse(expected.status());
                 auto pipeline = catalog::ParsePipelineDocument(request.body, "body");
                 if (!pipeline.ok()) return ProblemResponse(pipeline.status());
                 if (pipeline->id != id) {
                   return ProblemResponse(400, "body: id \"" + pipeline->id +
                                                   "\" differs from the path's \"" + id + "\"");
                 }
                 auto version = store->PutPipeline(id, request.body, *expected, principal->name,
                                                   clock->NowMs());
                 if (!version.ok()) return ProblemResponse(version.status());
                 if (Status refreshed = context.refresh_catalog(); !refreshed.ok()) {
                   return ProblemResponse(
                       refreshed.WithContext("stored, but the catalogue was not swapped in"));
                 }
                 return JsonResponse(200, {{"id", id}, {"version", *version}, {"source", "api"}});
               });
  server.Route("DELETE", std::string("/api/v1/pipelines/") + kPipelineIdPattern, "pipelines_delete",
               [context, store, tokens, clock](const Request& request) {
                 Response denied;
                 auto principal = Authorize(*tokens, request, auth::Role::kAdmin, denied);
                 if (!principal) return denied;
                 const std::string& id = request.path_params.at(0);
                 Status deleted = store->DeletePipeline(id, principal->name, clock->NowMs());
                 if (!deleted.ok()) return ProblemResponse(deleted);
                 if (Status refreshed = context.refresh_catalog(); !refreshed.ok()) {
                   return ProblemResponse(refreshed);
                 }
                 return JsonResponse(200, {{"id", id}, {"deleted", true}});
               });
}

}  // namespace vakt::api
