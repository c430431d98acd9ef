#include "cli/api_client.h"

#include <httplib.h>

#include <cstdlib>
#include <iostream>

#include "cli/commands.h"

namespace vakt::cli {

std::string DefaultServer() {
  const char* env = std::getenv("VAKT_SERVER");
  return env != nullptr && *env != '\0' ? env : "http://127.0.0.1:8080";
}

Result<ApiClient> ApiClient::Create(const std::string& server, const std::string& token) {
  const std::string prefix = "http://";
  if (server.rfind(prefix, 0) != 0) {
    return Status::InvalidArgument("server URL must start with http:// (got \"" + server + "\")");
  }
  std::string rest = server.substr(prefix.size());
  while (!rest.empty() && rest.back() == '/') rest.pop_back();
  size_t colon = rest.rfind(':');
  ApiClient client;
  client.token_ = token;
  if (colon == std::string::npos) {
    client.host_ = rest;
    client.port_ = 80;
  } else {
    client.host_ = rest.substr(0, colon);
    try {
      client.port_ = std::stoi(rest.substr(colon + 1));
    } catch (const std::exception&) {
      return Status::InvalidArgument("bad port in server URL \"" + server + "\"");
    }
  }
  if (client.token_.empty()) {
    if (const char* env = std::getenv("VAKT_TOKEN")) client.token_ = env;
  }
  return client;
}

namespace {

Result<ApiResponse> Convert(const httplib::Result& result, const std::string& host, int port) {
  if (!result) {
    return Status::Unavailable("cannot reach vakt at " + host + ":" + std::to_string(port) + " (" +
                               httplib::to_string(result.error()) + ")");
  }
  return ApiResponse{result->status, result->body};
}

enum class Method { kGet, kPost, kPut, kDelete };

// Send performs one request with the CLI's timeouts and the bearer token (when there is one);
// `json_body` goes out as application/json with POST and PUT and is not sent otherwise.
Result<ApiResponse> Send(const std::string& host, int port, const std::string& token, Method method,
                         const std::string& path, const std::string& json_body) {
  httplib::Client client(host, port);
  client.set_connection_timeout(5);
  client.set_read_timeout(30);
  httplib::Headers headers;
  if (!token.empty()) headers.emplace("Authorization", "Bearer " + token);
  switch (method) {
    case Method::kPost:
      return Convert(client.Post(path, headers, json_body, "application/json"), host, port);
    case Method::kPut:
      return Convert(client.Put(path, headers, json_body, "application/json"), host, port);
    case Method::kDelete:
      return Convert(client.Delete(path, headers), host, port);
    case Method::kGet:
      break;
  }
  return Convert(client.Get(path, headers), host, port);
}

}  // namespace

Result<ApiResponse> ApiClient::Get(const std::string& path_and_query) {
  return Send(host_, port_, token_, Method::kGet, path_and_query, "");
}

Result<ApiResponse> ApiClient::Post(const std::string& path, const std::string& json_body) {
  return Send(host_, port_, token_, Method::kPost, path, json_body);
}

Result<ApiResponse> ApiClient::Put(const std::string& path, const std::string& json_body) {
  return Send(host_, port_, token_, Method::kPut, path, json_body);
}

Result<ApiResponse> ApiClient::Delete(const std::string& path) {
  return Send(host_, port_, token_, Method::kDelete, path, "");
}

std::string ProblemText(const ApiResponse& response) {
  try {
    auto body = nlohmann::json::parse(response.body);
    if (body.is_object() && body.contains("detail")) {
      std::string text =
          "HTTP " + std::to_string(response.status) + ": " + body["detail"].get<std::string>();
      if (body.contains("errors")) {
        for (const auto& error : body["errors"]) {
          text += "\n  " + error.value("field", std::string()) + ": " +
                  error.value("message", std::string());
        }
      }
      return text;
    }
  } catch (const std::exception&) {
  }
  return "HTTP " + std::to_string(response.status) + ": " + response.body;
}

std::optional<ApiResponse> CallApi(std::string_view command, const std::string& server,
                                   const std::string& token, std::string_view method,
                                   const std::string& path, const std::string& body,
                                   int& exit_code) {
  auto client = ApiClient::Create(server, token);
  if (!client.ok()) {
    std::cerr << command << ": " << client.status().message() << "\n";
    exit_code = kExitUsage;
    return std::nullopt;
  }
  Result<ApiResponse> response = method == "GET"      ? client->Get(path)
                                 : method == "PUT"    ? client->Put(path, body)
                                 : method == "DELETE" ? client->Delete(path)
                                                      : client->Post(path, body);
  if (!response.ok()) {
    std::cerr << command << ": " << response.status().message() << "\n";
    exit_code = kExitFailure;
    return std::nullopt;
  }
  if (response->status < 200 || response->status >= 300) {
    std::cerr << command << ": " << ProblemText(*response) << "\n";
    exit_code = response->status >= 400 && response->status < 500 && response->status != 409
                    ? kExitUsage
                    : kExitFailure;
    return std::nullopt;
  }
  exit_code = kExitOk;
  return std::move(*response);
}

std::string IncidentRef(std::string id) {
  const bool digits = !id.empty() && id.find_first_not_of("0123456789") == std::string::npos;
  return digits ? "INC-" + id : id;
}

}  // namespace vakt::cli
