#include "notify/http_client.h"

#include <algorithm>

#include "notify/curl_support.h"

namespace vakt::notify {
namespace {

struct BodySink {
  std::string* body;
  size_t cap;
  bool truncated = false;
};

// Keeps at most `cap` bytes but reports everything consumed, so an oversized body is cut short
// without turning a good status line into a write error.
size_t WriteCapped(char* data, size_t size, size_t count, void* user) {
  auto* sink = static_cast<BodySink*>(user);
  const size_t bytes = size * count;
  const size_t room = sink->cap - std::min(sink->cap, sink->body->size());
  sink->body->append(data, std::min(room, bytes));
  if (bytes > room) sink->truncated = true;
  return bytes;
}

bool HasLineBreak(std::string_view text) {
  return text.find_first_of("\r\n") != std::string_view::npos || text.find('\0') != text.npos;
}

}  // namespace

Result<HttpResponse> CurlHttpClient::Post(const HttpRequest& request) {
  const std::string what = "POST " + RedactUrl(request.url);
  internal::CurlEasy curl = internal::NewCurlEasy();
  if (!curl) return Status::Internal(what + ": curl_easy_init failed");

  internal::CurlSlist headers;
  // An empty "Expect:" stops libcurl from waiting for 100-continue on larger bodies.
  for (const std::string& line : {std::string("Expect:"), std::string("Content-Type: application/json")}) {
    headers.reset(curl_slist_append(headers.release(), line.c_str()));
  }
  for (const auto& [name, value] : request.headers) {
    if (HasLineBreak(name) || HasLineBreak(value) || name.find(':') != std::string::npos) {
      return Status::InvalidArgument(what + ": header " + name + " contains CR, LF, NUL or ':'");
    }
    headers.reset(curl_slist_append(headers.release(), (name + ": " + value).c_str()));
  }

  HttpResponse response;
  BodySink sink{&response.body, options_.max_response_bytes};
  CURL* handle = curl.get();
  curl_easy_setopt(handle, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(handle, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(handle, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(handle, CURLOPT_NOPROXY, "localhost,127.0.0.1,::1");
  curl_easy_setopt(handle, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.timeout_ms));
  curl_easy_setopt(handle, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(options_.connect_timeout_ms));
  curl_easy_setopt(handle, CURLOPT_USERAGENT, "vakt-notify/1");
  curl_easy_setopt(handle, CURLOPT_POST, 1L);
  curl_easy_setopt(handle, CURLOPT_POSTFIELDS, request.body.data());
  curl_easy_setopt(handle, CURLOPT_POSTFIELDSIZE_LARGE,
                   static_cast<curl_off_t>(request.body.size()));
  curl_easy_setopt(handle, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, &WriteCapped);
  curl_easy_setopt(handle, CURLOPT_WRITEDATA, &sink);

  const CURLcode code = curl_easy_perform(handle);
  if (code != CURLE_OK) return internal::CurlCodeToStatus(code, what);
  long status = 0;
  curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &status);
  response.status = static_cast<int>(status);
  response.truncated = sink.truncated;
  return response;
}

Status CheckHttpStatus(const HttpResponse& response, std::string_view what) {
  const int code = response.status;
  if (code >= 200 && code < 300) return Status::Ok();
  std::string excerpt;
  for (const char ch : response.body.substr(0, 200)) {
    excerpt += (ch >= 0x20 && ch < 0x7f) ? ch : '?';
  }
  std::string message = std::string(what) + ": HTTP " + std::to_string(code);
  if (code >= 300 && code < 400) {
    return Status::FailedPrecondition(message + " (redirect not followed)");
  }
  if (!excerpt.empty()) message += ": " + excerpt;
  if (code == 408 || code == 425 || code == 429 || code >= 500) return Status::Unavailable(message);
  if (code == 401 || code == 403) return Status::PermissionDenied(message);
  return Status::InvalidArgument(message);
}

std::string RedactUrl(std::string_view url) {
  const size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return "<url>";
  const size_t authority_start = scheme_end + 3;
  const size_t authority_end = std::min(url.find_first_of("/?#", authority_start), url.size());
  std::string_view authority = url.substr(authority_start, authority_end - authority_start);
  if (const size_t at = authority.rfind('@'); at != std::string_view::npos) {
    authority.remove_prefix(at + 1);
  }
  std::string redacted = std::string(url.substr(0, authority_start)) + std::string(authority);
  if (authority_end < url.size()) redacted += "/…";
  return redacted;
}

}  // namespace vakt::notify
