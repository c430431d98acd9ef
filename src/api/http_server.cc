#include "api/http_server.h"

#include <httplib.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <chrono>

#include "api/problem.h"
#include "common/ascii.h"

namespace vakt::api {
namespace {

const std::vector<double> kLatencyBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                             0.05,   0.1,   0.25,   0.5,   1,    2.5};

Request ToRequest(const httplib::Request& raw) {
  Request request;
  request.method = raw.method;
  request.path = raw.path;
  for (size_t idx = 1; idx < raw.matches.size(); ++idx) {
    request.path_params.push_back(raw.matches[static_cast<int>(idx)].str());
  }
  for (const auto& [name, value] : raw.params) request.query.emplace(name, value);
  for (const auto& [name, value] : raw.headers) {
    request.headers.emplace(AsciiLower(name), value);
  }
  request.body = raw.body;
  request.remote_addr = raw.remote_addr;
  return request;
}

void WriteResponse(const Response& response, httplib::Response& raw) {
  raw.status = response.status;
  for (const auto& [name, value] : response.headers) raw.set_header(name, value);
  raw.set_header("X-Content-Type-Options", "nosniff");
  if (!response.body.empty() || response.status != 200) {
    raw.set_content(response.body, response.content_type);
  }
}

}  // namespace

HttpServer::HttpServer(HttpServerOptions options, MetricsRegistry& metrics)
    : server_(std::make_unique<httplib::Server>()), options_(options), metrics_(metrics) {
  size_t threads = options_.worker_threads;
  server_->new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  server_->set_payload_max_length(options_.max_body_bytes);
  server_->set_keep_alive_max_count(100000);
  // Short enough that idle browser connections do not hold a SIGTERM drain for long.
  server_->set_keep_alive_timeout(5);
  server_->set_read_timeout(options_.read_timeout_seconds, 0);
  server_->set_tcp_nodelay(true);
  server_->set_error_handler([](const httplib::Request&, httplib::Response& raw) {
    // Only reached for errors raised by the transport itself (413, 404 without a route...).
    if (!raw.body.empty()) return;
    WriteResponse(
        ProblemResponse(raw.status, raw.status == 413 ? "request body exceeds the configured limit"
                                                      : "no such resource"),
        raw);
  });
  server_->set_exception_handler(
      [](const httplib::Request& raw, httplib::Response& res, std::exception_ptr error) {
        std::string what = "unknown error";
        try {
          if (error) std::rethrow_exception(error);
        } catch (const std::exception& ex) {
          what = ex.what();
        } catch (...) {
        }
        spdlog::error("handler for {} {} threw: {}", raw.method, raw.path, what);
        WriteResponse(ProblemResponse(500, "internal error"), res);
      });
}

HttpServer::~HttpServer() = default;

void HttpServer::Route(const std::string& method, const std::string& pattern,
                       const std::string& endpoint, Handler handler) {
  auto& latency = metrics_.GetHistogram("vakt_http_request_duration_seconds",
                                        "HTTP request latency by endpoint", kLatencyBuckets,
                                        {{"endpoint", endpoint}});
  auto wrapped = [this, endpoint, &latency, handler = std::move(handler)](
                     const httplib::Request& raw, httplib::Response& res) {
    auto started = std::chrono::steady_clock::now();
    Response response = handler(ToRequest(raw));
    WriteResponse(response, res);
    latency.Observe(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    metrics_
        .GetCounter("vakt_http_requests_total", "HTTP requests by endpoint and status code",
                    {{"endpoint", endpoint}, {"code", std::to_string(response.status)}})
        .Increment();
  };
  if (method == "GET")
    server_->Get(pattern, wrapped);
  else if (method == "POST")
    server_->Post(pattern, wrapped);
  else if (method == "PUT")
    server_->Put(pattern, wrapped);
  else if (method == "DELETE")
    server_->Delete(pattern, wrapped);
  else if (method == "PATCH")
    server_->Patch(pattern, wrapped);
}

void HttpServer::StreamRoute(const std::string& pattern, const std::string& endpoint,
                             StreamHandler handler) {
  auto wrapped = [this, endpoint, handler = std::move(handler)](const httplib::Request& raw,
                                                                httplib::Response& res) {
    StreamReply reply = handler(ToRequest(raw));
    metrics_
        .GetCounter("vakt_http_requests_total", "HTTP requests by endpoint and status code",
                    {{"endpoint", endpoint}, {"code", std::to_string(reply.head.status)}})
        .Increment();
    if (reply.head.status != 200 || !reply.pump) {
      WriteResponse(reply.head, res);
      if (reply.on_close) reply.on_close();
      return;
    }
    res.status = 200;
    for (const auto& [name, value] : reply.head.headers) res.set_header(name, value);
    res.set_header("X-Content-Type-Options", "nosniff");
    auto pump = std::move(reply.pump);
    res.set_chunked_content_provider(
        reply.head.content_type,
        [pump](size_t, httplib::DataSink& sink) {
          StreamSink write = [&sink](const std::string& chunk) {
            return sink.is_writable() && sink.write(chunk.data(), chunk.size());
          };
          if (!pump(write)) {
            sink.done();
          }
          return true;
        },
        [on_close = std::move(reply.on_close)](bool) {
          if (on_close) on_close();
        });
  };
  server_->Get(pattern, wrapped);
}

bool HttpServer::Static(const std::string& mount, const std::string& dir) {
  return server_->set_mount_point(mount, dir);
}

Result<int> HttpServer::Bind(const std::string& host, int port) {
  int bound =
      port == 0 ? server_->bind_to_any_port(host) : (server_->bind_to_port(host, port) ? port : -1);
  if (bound < 0) {
    return Status::Unavailable("cannot listen on " + host + ":" + std::to_string(port));
  }
  return bound;
}

void HttpServer::Serve() { server_->listen_after_bind(); }

void HttpServer::Stop() { server_->stop(); }

}  // namespace vakt::api
