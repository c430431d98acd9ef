#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "ingest/field_error.h"

namespace vakt::api {

// Request is what a route handler sees: transport-neutral, so handlers are testable without
// sockets and no handler includes the HTTP library.
struct Request {
  std::string method;
  std::string path;
  std::vector<std::string> path_params;             // regex captures of the route pattern
  std::multimap<std::string, std::string> query;    // decoded query parameters
  std::multimap<std::string, std::string> headers;  // names lower-cased
  std::string body;
  std::string remote_addr;

  // Query returns the first value of a query parameter.
  std::optional<std::string> Query(const std::string& name) const;
  std::vector<std::string> QueryAll(const std::string& name) const;
  std::optional<std::string> Header(const std::string& lower_name) const;
};

// Response is what a handler returns.
struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

Response JsonResponse(int status, const nlohmann::json& body);
// ProblemResponse answers with RFC 9457 problem+json (and Retry-After for 503/429).
Response ProblemResponse(int status, const std::string& detail,
                         const ingest::FieldErrors& errors = {});
Response ProblemResponse(const Status& status);

// IncidentIdParam reads the incident of a route whose first capture is "INC-42" or "42".
Result<std::int64_t> IncidentIdParam(const Request& request);

}  // namespace vakt::api
