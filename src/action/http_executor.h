#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "action/egress_policy.h"
#include "action/rendered_action.h"
#include "common/status.h"

namespace vakt::action {

// HttpPolicy is the operator's fence around every `http` step.
struct HttpPolicy {
  EgressPolicy egress;
  int max_attempts = 3;  // including the first; only 5xx and 429 are retried
  TimeMs initial_backoff_ms = 250;
  TimeMs max_backoff_ms = 10'000;
  // A Retry-After longer than this ends the retries instead of being waited for.
  TimeMs max_retry_after_ms = 30'000;
  size_t max_response_bytes = 1 << 20;  // body bytes kept; the transfer stops beyond
  TimeMs max_timeout_ms = 60'000;       // clamp for HttpAction::timeout_ms
  TimeMs connect_timeout_ms = 5'000;
};

// HttpOutcome is the final response of an `http` action (after retries).
struct HttpOutcome {
  int status_code = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // of the final response
  std::string body;
  bool body_truncated = false;
  int attempts = 0;
  std::string idempotency_key;
  std::string connected_address;  // the pinned, allow-listed address

  bool Succeeded() const { return status_code >= 200 && status_code < 300; }
};

// RetryDelay is the wait after failed attempt `attempt` (1 = the first request) before the next
// one: "equal jitter" on an exponential step, step = min(max_backoff_ms, initial_backoff_ms *
// 2^(attempt-1)), delay = step/2 + (random mod (step - step/2 + 1)), so always in [step/2, step].
// Half the step is a floor so a retry never hammers a struggling endpoint; the random half spreads
// many runbooks retrying after one outage. attempt < 1 counts as 1; any attempt number, however
// large, saturates at the cap without overflow. Pure: `random` is one draw from the caller's
// source (HttpExecutor::RandomSource).
TimeMs RetryDelay(const HttpPolicy& policy, int attempt, std::uint64_t random);

// ResolvedTarget is the URL's host, port and the allow-listed address a request would be pinned
// to; what a dry run shows and what CURLOPT_RESOLVE gets.
struct ResolvedTarget {
  std::string scheme;
  std::string host;
  int port = 0;
  IpAddress address;
};

// HttpExecutor sends an HttpAction with libcurl: only http/https, no redirects followed, no proxy,
// per-attempt timeout, response body capped, retries with exponential backoff and jitter on 5xx and
// 429 only (honouring Retry-After up to a bound), one Idempotency-Key header across all attempts.
// The host is resolved here, the address checked against the egress policy and then pinned with
// CURLOPT_RESOLVE; an open-socket callback re-checks the address curl actually connects to, so
// DNS answers cannot steer a request anywhere the policy does not allow.
//
// Immutable after construction; Execute is safe to call concurrently (the sleeper and resolver
// must be too).
class HttpExecutor {
 public:
  // Resolver returns the addresses of a host name (default: getaddrinfo).
  using Resolver = std::function<Result<std::vector<IpAddress>>(const std::string& host)>;
  // Sleeper waits between attempts (default: std::this_thread::sleep_for); tests record instead.
  using Sleeper = std::function<void(TimeMs)>;
  // RandomSource draws the jitter for RetryDelay (default: a per-thread mt19937_64 seeded from
  // std::random_device); tests inject a seeded engine.
  using RandomSource = std::function<std::uint64_t()>;

  explicit HttpExecutor(HttpPolicy policy, Resolver resolver = nullptr, Sleeper sleeper = nullptr,
                        RandomSource random = nullptr);

  // Execute sends the action. Any HTTP status is an outcome (check Succeeded()). Errors:
  // InvalidArgument (bad URL, scheme, method or header); PermissionDenied (egress refused; nothing
  // was sent); DeadlineExceeded (an attempt timed out: the request may have been processed, so it
  // is not retried); Unavailable (connection failed). `idempotency_key` is sent as Idempotency-Key
  // on every attempt; if empty, one is generated.
  Result<HttpOutcome> Execute(const HttpAction& action, std::string idempotency_key) const;

  // ResolveTarget parses the URL, resolves it and picks the first allowed address.
  // InvalidArgument or PermissionDenied as for Execute; Unavailable if resolution fails.
  Result<ResolvedTarget> ResolveTarget(const std::string& url) const;

 private:
  HttpPolicy policy_;
  Resolver resolver_;
  Sleeper sleeper_;
  RandomSource random_;
};

}  // namespace vakt::action
