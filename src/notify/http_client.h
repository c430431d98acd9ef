#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "common/status.h"

namespace vakt::notify {

struct HttpRequest {
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

struct HttpResponse {
  int status = 0;
  // At most HttpClientOptions::max_response_bytes of the body; `truncated` says if more came.
  std::string body;
  bool truncated = false;
};

struct HttpClientOptions {
  TimeMs timeout_ms = 10'000;         // whole request, per attempt
  TimeMs connect_timeout_ms = 3'000;
  size_t max_response_bytes = 64 * 1024;
};

// HttpClient posts a request and returns whatever HTTP status came back; transport failures are
// a Status (see notifier.h for the retryable contract). Redirects are never followed: a 3xx is
// returned as is, so a receiver cannot bounce a signed payload to another host.
// Implementations are safe for concurrent use.
class HttpClient {
 public:
  virtual ~HttpClient() = default;
  virtual Result<HttpResponse> Post(const HttpRequest& request) = 0;
};

// CurlHttpClient is HttpClient over libcurl: http and https only, no redirects, no signals,
// proxies bypassed for loopback, response body capped. A fresh easy handle per request, so it is
// safe for concurrent use.
class CurlHttpClient final : public HttpClient {
 public:
  explicit CurlHttpClient(HttpClientOptions options = {}) : options_(options) {}
  // Post returns the response, or Unavailable for connect/timeout/transfer failures and
  // InvalidArgument for a malformed URL, an unsupported scheme or a header containing CR/LF.
  Result<HttpResponse> Post(const HttpRequest& request) override;

 private:
  HttpClientOptions options_;
};

// CheckHttpStatus maps an HTTP status to the notifier contract: 2xx Ok; 408, 425, 429 and 5xx
// Unavailable; 3xx FailedPrecondition (redirect not followed); 401/403 PermissionDenied; other
// 4xx InvalidArgument. `what` (already redacted) and a short printable excerpt of the body go in
// the message.
Status CheckHttpStatus(const HttpResponse& response, std::string_view what);

// RedactUrl keeps scheme, host and port and hides user info, path and query, which often carry
// tokens (a Slack incoming-webhook URL is a bearer secret): "https://hooks.slack.com/…".
std::string RedactUrl(std::string_view url);

}  // namespace vakt::notify
