#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace vakt::cli {

// ApiResponse is an HTTP answer from the vakt server.
struct ApiResponse {
  int status = 0;
  std::string body;
};

// ApiClient is the CLI's HTTP client for the REST API (the CLI is a client of the server).
// Token from --token or $VAKT_TOKEN is sent as a bearer token. Not thread-safe.
class ApiClient {
 public:
  // `server` is a base URL such as http://127.0.0.1:8080.
  static Result<ApiClient> Create(const std::string& server, const std::string& token);

  Result<ApiResponse> Get(const std::string& path_and_query);
  Result<ApiResponse> Post(const std::string& path, const std::string& json_body);
  Result<ApiResponse> Put(const std::string& path, const std::string& json_body);
  Result<ApiResponse> Delete(const std::string& path);

 private:
  std::string host_;
  int port_ = 0;
  std::string token_;
};

// DefaultServer is $VAKT_SERVER or http://127.0.0.1:8080.
std::string DefaultServer();

// ProblemText renders an error response (problem+json detail or the raw body) for stderr.
std::string ProblemText(const ApiResponse& response);

// CallApi sends one request (`method` GET, POST, PUT or DELETE) and returns the 2xx answer.
// Otherwise it prints "<command>: why" on stderr, sets `exit_code` and returns nullopt: a bad
// server URL and 4xx answers other than 409 are usage errors (the request was wrong); 409, 5xx
// and transport errors are failures (the request was fine, the answer is no).
std::optional<ApiResponse> CallApi(std::string_view command, const std::string& server,
                                   const std::string& token, std::string_view method,
                                   const std::string& path, const std::string& body,
                                   int& exit_code);

// IncidentRef turns the user's "42" into "INC-42", the form the API names incidents by; anything
// else goes through unchanged (the API answers 400 for what is not an incident id).
std::string IncidentRef(std::string id);

}  // namespace vakt::cli
