#include "api/http.h"

#include "api/problem.h"
#include "model/incident.h"

namespace vakt::api {

std::optional<std::string> Request::Query(const std::string& name) const {
  auto found = query.find(name);
  if (found == query.end()) return std::nullopt;
  return found->second;
}

std::vector<std::string> Request::QueryAll(const std::string& name) const {
  std::vector<std::string> values;
  auto [begin, end] = query.equal_range(name);
  for (auto it = begin; it != end; ++it) values.push_back(it->second);
  return values;
}

std::optional<std::string> Request::Header(const std::string& lower_name) const {
  auto found = headers.find(lower_name);
  if (found == headers.end()) return std::nullopt;
  return found->second;
}

Response JsonResponse(int status, const nlohmann::json& body) {
  Response response;
  response.status = status;
  response.body = body.dump();
  return response;
}

Response ProblemResponse(int status, const std::string& detail, const ingest::FieldErrors& errors) {
  Response response;
  response.status = status;
  response.content_type = kProblemContentType;
  response.body = Problem(status, "", detail, errors).dump();
  if (status == 503 || status == 429) response.headers.emplace_back("Retry-After", "1");
  return response;
}

Response ProblemResponse(const Status& status) {
  return ProblemResponse(HttpStatusFor(status.code()), status.message());
}

Result<std::int64_t> IncidentIdParam(const Request& request) {
  auto id = ParseIncidentKey(request.path_params.at(0));
  if (!id) return Status::InvalidArgument("incident id must look like INC-42");
  return *id;
}

}  // namespace vakt::api
