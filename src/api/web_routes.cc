#include "api/web_routes.h"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace vakt::api {
namespace {

constexpr size_t kMaxFileBytes = 8 << 20;

bool ReadSmallFile(const std::filesystem::path& path, std::string& out) {
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) return false;
  auto size = std::filesystem::file_size(path, error);
  if (error || size > kMaxFileBytes) return false;
  std::ifstream file(path, std::ios::binary);
  if (!file) return false;
  std::ostringstream buffer;
  buffer << file.rdbuf();
  out = buffer.str();
  return true;
}

void AddSecurityHeaders(Response& response) {
  response.headers.emplace_back("Content-Security-Policy", kConsoleContentSecurityPolicy);
  response.headers.emplace_back("X-Frame-Options", "DENY");
  response.headers.emplace_back("Referrer-Policy", "no-referrer");
  response.headers.emplace_back("Cross-Origin-Opener-Policy", "same-origin");
  response.headers.emplace_back("Permissions-Policy", "camera=(), microphone=(), geolocation=()");
}

// SafeRelative rejects anything that could leave web_dir (.., absolute parts, NUL, backslash).
bool SafeRelative(const std::string& relative) {
  if (relative.find('\0') != std::string::npos || relative.find('\\') != std::string::npos) {
    return false;
  }
  for (const auto& part : std::filesystem::path(relative)) {
    if (part == ".." || part.has_root_directory()) return false;
  }
  return true;
}

}  // namespace

std::string ContentTypeForPath(const std::string& path) {
  auto extension = std::filesystem::path(path).extension().string();
  if (extension == ".html") return "text/html; charset=utf-8";
  if (extension == ".js" || extension == ".mjs") return "text/javascript; charset=utf-8";
  if (extension == ".css") return "text/css; charset=utf-8";
  if (extension == ".json" || extension == ".map") return "application/json";
  if (extension == ".svg") return "image/svg+xml";
  if (extension == ".png") return "image/png";
  if (extension == ".ico") return "image/x-icon";
  if (extension == ".woff2") return "font/woff2";
  if (extension == ".txt") return "text/plain; charset=utf-8";
  return "application/octet-stream";
}

void RegisterWebRoutes(HttpServer& server, const std::string& web_dir) {
  std::filesystem::path root(web_dir);
  server.Route("GET", "/(?!api/)(.*)", "web", [root](const Request& request) {
    std::string relative = request.path_params.empty() ? "" : request.path_params.at(0);
    if (!SafeRelative(relative)) return ProblemResponse(400, "path: not allowed");
    Response response;
    std::string body;
    bool is_asset = relative.rfind("assets/", 0) == 0;
    if (!relative.empty() && ReadSmallFile(root / relative, body)) {
      response.content_type = ContentTypeForPath(relative);
      response.headers.emplace_back("Cache-Control",
                                    is_asset ? "public, max-age=31536000, immutable" : "no-cache");
    } else if (is_asset || std::filesystem::path(relative).has_extension()) {
      return ProblemResponse(404, "no such file " + relative);
    } else if (ReadSmallFile(root / "index.html", body)) {
      // A client-side route (/incidents/INC-4): the app decides what to show.
      response.content_type = "text/html; charset=utf-8";
      response.headers.emplace_back("Cache-Control", "no-cache");
    } else {
      return ProblemResponse(404, "the web console is not built (run scripts/build-web.sh)");
    }
    response.body = std::move(body);
    AddSecurityHeaders(response);
    return response;
  });
}

}  // namespace vakt::api
