#pragma once

#include <string>

#include "api/http_server.h"

namespace vakt::api {

// ContentSecurityPolicy is sent with every console page: scripts and styles only from this
// origin (no inline script), no framing, no plugins.
inline constexpr const char* kConsoleContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'";

// RegisterWebRoutes serves the built web console from `web_dir` (web/dist): files as they are,
// hashed assets (/assets/…) with a year-long immutable cache, and index.html for every other
// non-API path so client-side routes survive a reload. Register it LAST: it catches every GET
// that no earlier route took, except /api/.
void RegisterWebRoutes(HttpServer& server, const std::string& web_dir);

// ContentTypeForPath maps a file name to its Content-Type.
std::string ContentTypeForPath(const std::string& path);

}  // namespace vakt::api
