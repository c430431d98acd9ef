#include "action/http_executor.h"

#include <curl/curl.h>
#include <netdb.h>
#include <sys/socket.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <thread>

#include "common/ascii.h"
#include "common/crypto.h"

namespace vakt::action {
namespace {

constexpr char kIdempotencyHeader[] = "Idempotency-Key";

std::string Trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())) != 0) {
    text.remove_prefix(1);
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())) != 0) {
    text.remove_suffix(1);
  }
  return std::string(text);
}

bool IsToken(std::string_view text) {
  static constexpr std::string_view kExtra = "!#$%&'*+-.^_`|~";
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 ||
           kExtra.find(c) != std::string_view::npos;
  });
}

void InitCurlOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

Result<std::vector<IpAddress>> GetAddrInfoResolver(const std::string& host) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* results = nullptr;
  int error = getaddrinfo(host.c_str(), nullptr, &hints, &results);
  if (error != 0) {
    return Status::Unavailable("resolving '" + host + "': " + gai_strerror(error));
  }
  std::vector<IpAddress> addresses;
  for (addrinfo* entry = results; entry != nullptr; entry = entry->ai_next) {
    auto address = IpAddress::FromSockaddr(entry->ai_addr);
    if (address.ok() &&
        std::find(addresses.begin(), addresses.end(), *address) == addresses.end()) {
      addresses.push_back(*address);
    }
  }
  freeaddrinfo(results);
  return addresses;
}

std::uint64_t DefaultRandom() {
  thread_local std::mt19937_64 engine{std::random_device{}()};
  return engine();
}

// AttemptState is shared with curl's callbacks for one attempt.
struct AttemptState {
  const EgressPolicy* egress = nullptr;
  const ResolvedTarget* target = nullptr;
  size_t cap = 0;
  std::string body;
  bool truncated = false;
  std::vector<std::pair<std::string, std::string>> headers;
  bool socket_refused = false;
  std::string refusal;
};

size_t OnBody(char* data, size_t size, size_t count, void* user) {
  auto* state = static_cast<AttemptState*>(user);
  size_t bytes = size * count;
  size_t room = state->cap - std::min(state->cap, state->body.size());
  if (bytes > room) {
    state->body.append(data, room);
    state->truncated = true;
    return 0;  // aborts the transfer: no point downloading what we will not keep
  }
  state->body.append(data, bytes);
  return bytes;
}

size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  auto* state = static_cast<AttemptState*>(user);
  std::string_view line(data, size * count);
  if (line.starts_with("HTTP/")) {
    state->headers.clear();  // a new response (after 100 Continue) starts
  } else if (auto colon = line.find(':'); colon != std::string_view::npos) {
    state->headers.emplace_back(AsciiLower(Trim(line.substr(0, colon))),
                                Trim(line.substr(colon + 1)));
  }
  return size * count;
}

curl_socket_t OnOpenSocket(void* user, curlsocktype purpose, curl_sockaddr* address) {
  auto* state = static_cast<AttemptState*>(user);
  auto ip = IpAddress::FromSockaddr(&address->addr);
  Status allowed =
      ip.ok() ? state->egress->Check(state->target->host, *ip, state->target->port) : ip.status();
  if (purpose != CURLSOCKTYPE_IPCXN || !allowed.ok() || !(*ip == state->target->address)) {
    state->socket_refused = true;
    state->refusal =
        allowed.ok() ? "connection to an address other than the pinned one" : allowed.message();
    return CURL_SOCKET_BAD;
  }
  return ::socket(address->family, address->socktype, address->protocol);
}

using CurlHandle = std::unique_ptr<CURL, decltype(&curl_easy_cleanup)>;
using CurlList = std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)>;
using CurlUrl = std::unique_ptr<CURLU, decltype(&curl_url_cleanup)>;

Result<std::string> UrlPart(CURLU* url, CURLUPart part, unsigned int flags = 0) {
  char* value = nullptr;
  if (curl_url_get(url, part, &value, flags) != CURLUE_OK || value == nullptr) {
    return Status::InvalidArgument("URL lacks a required part");
  }
  std::string out(value);
  curl_free(value);
  return out;
}

std::optional<TimeMs> RetryAfterMs(
    const std::vector<std::pair<std::string, std::string>>& headers) {
  for (const auto& [name, value] : headers) {
    if (name != "retry-after") continue;
    long long seconds = 0;
    auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), seconds);
    // The HTTP-date form is not honoured: plain backoff applies instead.
    if (error == std::errc() && end == value.data() + value.size() && seconds >= 0) {
      return static_cast<TimeMs>(std::min<long long>(seconds, 1LL << 30) * 1000);
    }
  }
  return std::nullopt;
}

}  // namespace

HttpExecutor::HttpExecutor(HttpPolicy policy, Resolver resolver, Sleeper sleeper,
                           RandomSource random)
    : policy_(std::move(policy)),
      resolver_(resolver ? std::move(resolver) : Resolver(&GetAddrInfoResolver)),
      sleeper_(sleeper ? std::move(sleeper) : Sleeper([](TimeMs ms) {
        std::this_thread::sleep_for(std::chrono::milliseconds(ms));
      })),
      random_(random ? std::move(random) : RandomSource(&DefaultRandom)) {
  InitCurlOnce();
}

TimeMs RetryDelay(const HttpPolicy& policy, int attempt, std::uint64_t random) {
  const TimeMs cap = std::max<TimeMs>(policy.max_backoff_ms, 0);
  TimeMs step = std::clamp<TimeMs>(policy.initial_backoff_ms, 0, cap);
  // Doubling stops at the cap (checked before multiplying, so no overflow) or at zero, which
  // bounds the loop by 63 doublings whatever `attempt` is.
  for (int done = 1; done < attempt && step > 0 && step < cap; ++done) {
    step = step > cap / 2 ? cap : step * 2;
  }
  const TimeMs half = step / 2;
  const auto spread = static_cast<std::uint64_t>(step - half);
  return half + static_cast<TimeMs>(random % (spread + 1));
}

Result<ResolvedTarget> HttpExecutor::ResolveTarget(const std::string& url_text) const {
  CurlUrl url(curl_url(), &curl_url_cleanup);
  if (!url || curl_url_set(url.get(), CURLUPART_URL, url_text.c_str(), 0) != CURLUE_OK) {
    return Status::InvalidArgument("malformed URL '" + url_text + "'");
  }
  ResolvedTarget target;
  VAKT_ASSIGN_OR_RETURN(target.scheme, UrlPart(url.get(), CURLUPART_SCHEME));
  target.scheme = AsciiLower(target.scheme);
  if (target.scheme != "http" && target.scheme != "https") {
    return Status::InvalidArgument("only http and https URLs are allowed, not '" + target.scheme +
                                   "'");
  }
  VAKT_ASSIGN_OR_RETURN(std::string host, UrlPart(url.get(), CURLUPART_HOST));
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  target.host = AsciiLower(host);
  VAKT_ASSIGN_OR_RETURN(std::string port, UrlPart(url.get(), CURLUPART_PORT, CURLU_DEFAULT_PORT));
  target.port = std::atoi(port.c_str());

  std::vector<IpAddress> candidates;
  if (auto literal = IpAddress::Parse(target.host); literal.ok()) {
    candidates.push_back(*literal);
  } else {
    VAKT_ASSIGN_OR_RETURN(candidates, resolver_(target.host));
  }
  if (candidates.empty()) return Status::Unavailable("'" + target.host + "' has no address");
  Status first_refusal;
  for (const auto& candidate : candidates) {
    Status allowed = policy_.egress.Check(target.host, candidate, target.port);
    if (allowed.ok()) {
      target.address = candidate;
      return target;
    }
    if (first_refusal.ok()) first_refusal = allowed;
  }
  return first_refusal;
}

Result<HttpOutcome> HttpExecutor::Execute(const HttpAction& action,
                                          std::string idempotency_key) const {
  static constexpr std::string_view kMethods[] = {"GET",    "POST", "PUT",    "PATCH",
                                                  "DELETE", "HEAD", "OPTIONS"};
  const std::string method = [&] {
    std::string upper(action.method);
    std::transform(upper.begin(), upper.end(), upper.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return upper;
  }();
  if (std::find(std::begin(kMethods), std::end(kMethods), method) == std::end(kMethods)) {
    return Status::InvalidArgument("HTTP method '" + action.method + "' is not allowed");
  }
  if (idempotency_key.empty()) idempotency_key = RandomToken(16);
  if (!IsToken(idempotency_key)) return Status::InvalidArgument("bad idempotency key");

  CurlList header_list(nullptr, &curl_slist_free_all);
  auto add_header = [&header_list](const std::string& line) {
    curl_slist* next = curl_slist_append(header_list.get(), line.c_str());
    if (next != nullptr) {
      (void)header_list.release();
      header_list.reset(next);
    }
    return next != nullptr;
  };
  bool has_content_type = false;
  for (const auto& [name, value] : action.headers) {
    if (!IsToken(name) || value.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos) {
      return Status::InvalidArgument("malformed header '" + name + "'");
    }
    const std::string lower = AsciiLower(name);
    // Ours wins: the key must be the one the step store recorded for this execution.
    if (lower == AsciiLower(kIdempotencyHeader) || lower == "expect" || lower == "host" ||
        lower == "content-length" || lower == "transfer-encoding") {
      continue;
    }
    if (lower == "content-type") has_content_type = true;
    if (!add_header(name + ": " + value)) return Status::Internal("out of memory");
  }
  if ((!action.body.empty() && !has_content_type &&
       !add_header("Content-Type: application/json")) ||
      !add_header(std::string(kIdempotencyHeader) + ": " + idempotency_key) ||
      !add_header("Expect:")) {  // Expect: no 100-continue round trip
    return Status::Internal("out of memory building headers");
  }

  VAKT_ASSIGN_OR_RETURN(ResolvedTarget target, ResolveTarget(action.url));
  const bool host_is_literal = IpAddress::Parse(target.host).ok();
  // Built by appends: g++ 12 at -O3 reports a false -Wrestrict on "[" + string + "]".
  std::string address_text = target.address.ToString();
  if (!target.address.is_v4) address_text.insert(0, "[").append("]");
  CurlList resolve_list(nullptr, &curl_slist_free_all);
  if (!host_is_literal) {
    resolve_list.reset(curl_slist_append(
        nullptr, (target.host + ":" + std::to_string(target.port) + ":" + address_text).c_str()));
  }
  const TimeMs timeout_ms = std::clamp<TimeMs>(action.timeout_ms, 1, policy_.max_timeout_ms);

  HttpOutcome outcome;
  outcome.idempotency_key = idempotency_key;
  outcome.connected_address = target.address.ToString();
  for (int attempt = 1; attempt <= std::max(1, policy_.max_attempts); ++attempt) {
    CurlHandle curl(curl_easy_init(), &curl_easy_cleanup);
    if (!curl) return Status::Internal("curl_easy_init failed");
    AttemptState state;
    state.egress = &policy_.egress;
    state.target = &target;
    state.cap = policy_.max_response_bytes;
    CURL* handle = curl.get();
    curl_easy_setopt(handle, CURLOPT_URL, action.url.c_str());
    curl_easy_setopt(handle, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(handle, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(handle, CURLOPT_PROXY, "");  // ignore http_proxy & co. from the env
    curl_easy_setopt(handle, CURLOPT_NOPROXY, "*");
    curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(handle, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout_ms));
    curl_easy_setopt(handle, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(std::min(timeout_ms, policy_.connect_timeout_ms)));
    curl_easy_setopt(handle, CURLOPT_USERAGENT, "vakt");
    curl_easy_setopt(handle, CURLOPT_HTTPHEADER, header_list.get());
    if (resolve_list) curl_easy_setopt(handle, CURLOPT_RESOLVE, resolve_list.get());
    curl_easy_setopt(handle, CURLOPT_OPENSOCKETFUNCTION, &OnOpenSocket);
    curl_easy_setopt(handle, CURLOPT_OPENSOCKETDATA, &state);
    curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, &OnBody);
    curl_easy_setopt(handle, CURLOPT_WRITEDATA, &state);
    curl_easy_setopt(handle, CURLOPT_HEADERFUNCTION, &OnHeader);
    curl_easy_setopt(handle, CURLOPT_HEADERDATA, &state);
    if (method == "GET") {
      curl_easy_setopt(handle, CURLOPT_HTTPGET, 1L);
    } else if (method == "HEAD") {
      curl_easy_setopt(handle, CURLOPT_NOBODY, 1L);
    } else {
      curl_easy_setopt(handle, CURLOPT_CUSTOMREQUEST, method.c_str());
    }
    if (!action.body.empty() || method == "POST" || method == "PUT" || method == "PATCH") {
      curl_easy_setopt(handle, CURLOPT_POSTFIELDSIZE_LARGE,
                       static_cast<curl_off_t>(action.body.size()));
      curl_easy_setopt(handle, CURLOPT_POSTFIELDS, action.body.c_str());
      curl_easy_setopt(handle, CURLOPT_CUSTOMREQUEST, method.c_str());
    }

    CURLcode code = curl_easy_perform(handle);
    outcome.attempts = attempt;
    if (state.socket_refused) {
      return Status::PermissionDenied("egress refused at connect: " + state.refusal);
    }
    if (code == CURLE_OPERATION_TIMEDOUT) {
      return Status::DeadlineExceeded("attempt " + std::to_string(attempt) + " timed out after " +
                                      std::to_string(timeout_ms) +
                                      " ms; the request may have been processed");
    }
    if (code != CURLE_OK && !(code == CURLE_WRITE_ERROR && state.truncated)) {
      return Status::Unavailable(std::string("HTTP request failed: ") + curl_easy_strerror(code));
    }
    long status = 0;
    curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &status);
    outcome.status_code = static_cast<int>(status);
    outcome.headers = std::move(state.headers);
    outcome.body = std::move(state.body);
    outcome.body_truncated = state.truncated;

    const bool retryable = status == 429 || (status >= 500 && status <= 599);
    if (!retryable || attempt >= policy_.max_attempts) break;
    TimeMs wait = RetryDelay(policy_, attempt, random_());
    if (auto retry_after = RetryAfterMs(outcome.headers); retry_after.has_value()) {
      if (*retry_after > policy_.max_retry_after_ms) break;  // the server wants longer than we wait
      wait = std::max(wait, *retry_after);
    }
    sleeper_(wait);
  }
  return outcome;
}

}  // namespace vakt::action
