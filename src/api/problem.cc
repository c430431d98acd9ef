#include "api/problem.h"

namespace vakt::api {

int HttpStatusFor(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return 200;
    case StatusCode::kInvalidArgument:
      return 400;
    case StatusCode::kUnauthenticated:
      return 401;
    case StatusCode::kPermissionDenied:
      return 403;
    case StatusCode::kNotFound:
      return 404;
    case StatusCode::kAlreadyExists:
      return 409;
    case StatusCode::kFailedPrecondition:
      return 409;
    case StatusCode::kResourceExhausted:
      return 503;
    case StatusCode::kUnavailable:
      return 503;
    case StatusCode::kDeadlineExceeded:
      return 504;
    case StatusCode::kCorruption:
      return 500;
    case StatusCode::kInternal:
      return 500;
  }
  return 500;
}

namespace {

const char* TitleFor(int status) {
  switch (status) {
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 409:
      return "Conflict";
    case 413:
      return "Content Too Large";
    case 415:
      return "Unsupported Media Type";
    case 429:
      return "Too Many Requests";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    default:
      return "Internal Server Error";
  }
}

}  // namespace

nlohmann::json Problem(int status, const std::string& title, const std::string& detail,
                       const ingest::FieldErrors& errors) {
  nlohmann::json body = {{"type", "about:blank"},
                         {"title", title.empty() ? TitleFor(status) : title},
                         {"status", status},
                         {"detail", detail}};
  if (!errors.empty()) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& error : errors)
      list.push_back({{"field", error.field}, {"message", error.message}});
    body["errors"] = list;
  }
  return body;
}

nlohmann::json ProblemFor(const Status& status) {
  int http = HttpStatusFor(status.code());
  return Problem(http, TitleFor(http), status.message());
}

}  // namespace vakt::api
