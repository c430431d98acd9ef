#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "common/status.h"

// A small client for the Prometheus HTTP API (/api/v1/query and /api/v1/query_range), used to
// evaluate a runbook's infrastructure queries and metric series over an incident window.
// https://prometheus.io/docs/prometheus/2.42/querying/api/
namespace vakt::diagnose {

// PromSample is one (time, value) point; Prometheus sends values as strings ("NaN", "+Inf").
struct PromSample {
  TimeMs time = 0;
  double value = 0;
};

// PromSeries is one labelled series: an instant vector element has one sample, a range-query
// matrix element has many, a scalar result is one series without labels.
struct PromSeries {
  std::map<std::string, std::string> labels;
  std::vector<PromSample> samples;
};

struct PromQueryResult {
  std::string result_type;  // "vector", "matrix", "scalar" (a "string" result is rejected)
  std::vector<PromSeries> series;
  std::vector<std::string> warnings;
};

struct PrometheusClientOptions {
  std::string base_url;  // e.g. http://127.0.0.1:9090 (no trailing path needed)
  TimeMs timeout_ms = 10'000;  // whole request
  TimeMs connect_timeout_ms = 2'000;
  size_t max_response_bytes = 8 * 1024 * 1024;
  size_t max_series = 1'000;
  size_t max_samples = 200'000;  // over all series of one answer
};

// PrometheusClient issues instant and range queries over libcurl (GET, no redirects, proxies
// bypassed for loopback). A fresh handle per call, so it is safe for concurrent use.
class PrometheusClient {
 public:
  explicit PrometheusClient(PrometheusClientOptions options) : options_(std::move(options)) {}

  // Query evaluates `expr` at `time` (an instant query).
  // Errors: InvalidArgument when Prometheus rejects the expression (bad_data) or the base URL is
  // malformed; Unavailable when it cannot be reached or answers 5xx/503 (retryable);
  // DeadlineExceeded on timeout; ResourceExhausted when the answer exceeds a size limit;
  // Internal when the answer is not the documented JSON.
  Result<PromQueryResult> Query(const std::string& expr, TimeMs time) const;

  // QueryRange evaluates `expr` from `start` to `end` every `step_ms` (REQUIRES: step_ms > 0,
  // start <= end). Errors as Query.
  Result<PromQueryResult> QueryRange(const std::string& expr, TimeMs start, TimeMs end,
                                     TimeMs step_ms) const;

  const PrometheusClientOptions& options() const { return options_; }

 private:
  Result<PromQueryResult> Get(const std::string& path,
                              const std::vector<std::pair<std::string, std::string>>& params) const;

  PrometheusClientOptions options_;
};

// ParsePrometheusResponse decodes an API answer body (exposed for tests of the decoder).
// Errors: InvalidArgument for an "error" answer (its errorType and error text in the message),
// ResourceExhausted over the series/sample limits, Internal for malformed JSON.
Result<PromQueryResult> ParsePrometheusResponse(const std::string& body,
                                                const PrometheusClientOptions& limits);

}  // namespace vakt::diagnose
