#include "diagnose/prometheus_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>

namespace vakt::diagnose {
namespace {

struct CurlEasyDeleter {
  void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
};
using CurlEasy = std::unique_ptr<CURL, CurlEasyDeleter>;

CurlEasy NewCurlEasy() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  return CurlEasy(curl_easy_init());
}

struct BodySink {
  std::string* body;
  size_t cap;
  bool over = false;
};

// Stops the transfer (by consuming less than offered) once the body passes the cap: an
// oversized answer is an error, not a silently truncated series.
size_t WriteCapped(char* data, size_t size, size_t count, void* user) {
  auto* sink = static_cast<BodySink*>(user);
  const size_t bytes = size * count;
  if (sink->body->size() + bytes > sink->cap) {
    sink->over = true;
    return 0;
  }
  sink->body->append(data, bytes);
  return bytes;
}

std::string Escape(CURL* handle, const std::string& text) {
  char* escaped = curl_easy_escape(handle, text.data(), static_cast<int>(text.size()));
  if (escaped == nullptr) return "";
  std::string out(escaped);
  curl_free(escaped);
  return out;
}

// Seconds with millisecond precision, as the API takes them ("1732761600.123").
std::string UnixSeconds(TimeMs ms) {
  char buffer[48];
  const long long whole = ms / 1000;
  const long long frac = ms % 1000;
  if (ms < 0 && frac != 0) {
    std::snprintf(buffer, sizeof(buffer), "%lld.%03lld", whole - 1, 1000 + frac);
  } else {
    std::snprintf(buffer, sizeof(buffer), "%lld.%03lld", whole, frac < 0 ? -frac : frac);
  }
  return buffer;
}

Result<double> SampleValue(const nlohmann::json& value) {
  if (!value.is_string()) return Status::Internal("sample value is not a string");
  const std::string& text = value.get_ref<const std::string&>();
  if (text == "NaN") return std::nan("");
  if (text == "+Inf") return HUGE_VAL;
  if (text == "-Inf") return -HUGE_VAL;
  try {
    size_t used = 0;
    double parsed = std::stod(text, &used);
    if (used != text.size()) return Status::Internal("sample value \"" + text + "\" is not a number");
    return parsed;
  } catch (const std::exception&) {
    return Status::Internal("sample value \"" + text + "\" is not a number");
  }
}

Result<PromSample> ReadSample(const nlohmann::json& pair) {
  if (!pair.is_array() || pair.size() != 2 || !pair[0].is_number()) {
    return Status::Internal("sample is not [time, \"value\"]");
  }
  PromSample sample;
  sample.time = static_cast<TimeMs>(std::llround(pair[0].get<double>() * 1000.0));
  VAKT_ASSIGN_OR_RETURN(sample.value, SampleValue(pair[1]));
  return sample;
}

Status StatusForError(const std::string& error_type, const std::string& error) {
  const std::string message = "prometheus: " + error_type + ": " + error;
  if (error_type == "bad_data" || error_type == "execution") return Status::InvalidArgument(message);
  if (error_type == "timeout") return Status::DeadlineExceeded(message);
  if (error_type == "unavailable" || error_type == "canceled") return Status::Unavailable(message);
  return Status::Internal(message);
}

}  // namespace

Result<PromQueryResult> ParsePrometheusResponse(const std::string& body,
                                                const PrometheusClientOptions& limits) {
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(body);
  } catch (const nlohmann::json::exception& error) {
    return Status::Internal(std::string("prometheus answer is not JSON: ") + error.what());
  }
  if (!doc.is_object() || !doc.contains("status") || !doc["status"].is_string()) {
    return Status::Internal("prometheus answer has no status");
  }
  if (doc["status"] != "success") {
    return StatusForError(doc.value("errorType", std::string("unknown")),
                          doc.value("error", std::string()));
  }
  const nlohmann::json& data = doc.contains("data") ? doc["data"] : nlohmann::json();
  if (!data.is_object() || !data.contains("resultType") || !data["resultType"].is_string() ||
      !data.contains("result")) {
    return Status::Internal("prometheus answer has no data.resultType/result");
  }
  PromQueryResult out;
  out.result_type = data["resultType"].get<std::string>();
  if (doc.contains("warnings") && doc["warnings"].is_array()) {
    for (const auto& warning : doc["warnings"]) {
      if (warning.is_string()) out.warnings.push_back(warning.get<std::string>());
    }
  }
  const nlohmann::json& result = data["result"];
  if (out.result_type == "scalar") {
    PromSeries series;
    VAKT_ASSIGN_OR_RETURN(PromSample sample, ReadSample(result));
    series.samples.push_back(sample);
    out.series.push_back(std::move(series));
    return out;
  }
  if (out.result_type != "vector" && out.result_type != "matrix") {
    return Status::InvalidArgument("prometheus returned a " + out.result_type +
                                   " result; expected a vector, matrix or scalar");
  }
  if (!result.is_array()) return Status::Internal("prometheus result is not an array");
  if (result.size() > limits.max_series) {
    return Status::ResourceExhausted("prometheus returned " + std::to_string(result.size()) +
                                     " series, over the limit of " +
                                     std::to_string(limits.max_series));
  }
  size_t total_samples = 0;
  for (const nlohmann::json& element : result) {
    if (!element.is_object()) return Status::Internal("prometheus series is not an object");
    PromSeries series;
    if (element.contains("metric") && element["metric"].is_object()) {
      for (const auto& [name, value] : element["metric"].items()) {
        if (value.is_string()) series.labels[name] = value.get<std::string>();
      }
    }
    if (out.result_type == "vector") {
      if (!element.contains("value")) return Status::Internal("vector element has no value");
      VAKT_ASSIGN_OR_RETURN(PromSample sample, ReadSample(element["value"]));
      series.samples.push_back(sample);
    } else {
      if (!element.contains("values") || !element["values"].is_array()) {
        return Status::Internal("matrix element has no values");
      }
      for (const nlohmann::json& pair : element["values"]) {
        VAKT_ASSIGN_OR_RETURN(PromSample sample, ReadSample(pair));
        series.samples.push_back(sample);
      }
    }
    total_samples += series.samples.size();
    if (total_samples > limits.max_samples) {
      return Status::ResourceExhausted("prometheus returned more than " +
                                       std::to_string(limits.max_samples) + " samples");
    }
    out.series.push_back(std::move(series));
  }
  return out;
}

Result<PromQueryResult> PrometheusClient::Query(const std::string& expr, TimeMs time) const {
  return Get("/api/v1/query", {{"query", expr}, {"time", UnixSeconds(time)}});
}

Result<PromQueryResult> PrometheusClient::QueryRange(const std::string& expr, TimeMs start,
                                                     TimeMs end, TimeMs step_ms) const {
  if (step_ms <= 0) return Status::InvalidArgument("query_range: step must be positive");
  if (end < start) return Status::InvalidArgument("query_range: end before start");
  return Get("/api/v1/query_range", {{"query", expr},
                                     {"start", UnixSeconds(start)},
                                     {"end", UnixSeconds(end)},
                                     {"step", UnixSeconds(step_ms)}});
}

Result<PromQueryResult> PrometheusClient::Get(
    const std::string& path, const std::vector<std::pair<std::string, std::string>>& params) const {
  if (options_.base_url.empty()) return Status::FailedPrecondition("no prometheus_url configured");
  if (options_.base_url.rfind("http://", 0) != 0 && options_.base_url.rfind("https://", 0) != 0) {
    return Status::InvalidArgument("prometheus_url must start with http:// or https://");
  }
  CurlEasy curl = NewCurlEasy();
  if (!curl) return Status::Internal("curl_easy_init failed");
  CURL* handle = curl.get();
  std::string url = options_.base_url;
  while (!url.empty() && url.back() == '/') url.pop_back();
  url += path;
  char separator = '?';
  for (const auto& [name, value] : params) {
    url += separator + name + "=" + Escape(handle, value);
    separator = '&';
  }
  const std::string what = "prometheus " + path;
  std::string body;
  BodySink sink{&body, options_.max_response_bytes};
  curl_easy_setopt(handle, CURLOPT_URL, url.c_str());
  curl_easy_setopt(handle, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(handle, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(handle, CURLOPT_NOPROXY, "localhost,127.0.0.1,::1");
  curl_easy_setopt(handle, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.timeout_ms));
  curl_easy_setopt(handle, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options_.connect_timeout_ms));
  curl_easy_setopt(handle, CURLOPT_USERAGENT, "vakt-diagnose/1");
  curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, &WriteCapped);
  curl_easy_setopt(handle, CURLOPT_WRITEDATA, &sink);
  const CURLcode code = curl_easy_perform(handle);
  if (sink.over) {
    return Status::ResourceExhausted(what + ": answer larger than " +
                                     std::to_string(options_.max_response_bytes) + " bytes");
  }
  if (code == CURLE_OPERATION_TIMEDOUT) {
    return Status::DeadlineExceeded(what + ": no answer within " +
                                    std::to_string(options_.timeout_ms) + " ms");
  }
  if (code == CURLE_URL_MALFORMAT || code == CURLE_UNSUPPORTED_PROTOCOL) {
    return Status::InvalidArgument(what + ": " + curl_easy_strerror(code));
  }
  if (code != CURLE_OK) return Status::Unavailable(what + ": " + curl_easy_strerror(code));
  long http_status = 0;
  curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &http_status);
  // Prometheus answers errors (400 bad_data, 422 execution, 503 timeout) with a JSON body that
  // names the problem; decode it first so the message is Prometheus's own.
  Result<PromQueryResult> parsed = ParsePrometheusResponse(body, options_);
  if (http_status >= 200 && http_status < 300) return parsed;
  if (!parsed.ok() && parsed.status().code() != StatusCode::kInternal) {
    return parsed.status().WithContext(what);
  }
  const std::string message = what + ": HTTP " + std::to_string(http_status);
  if (http_status >= 500 || http_status == 429) return Status::Unavailable(message);
  if (http_status >= 300 && http_status < 400) {
    return Status::FailedPrecondition(message + " (redirect not followed)");
  }
  return Status::InvalidArgument(message);
}

}  // namespace vakt::diagnose
