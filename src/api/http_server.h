#pragma once

#include <functional>
#include <memory>
#include <string>

#include "api/http.h"
#include "common/metrics.h"
#include "common/status.h"

namespace httplib {
class Server;
}

namespace vakt::api {

struct HttpServerOptions {
  size_t max_body_bytes = 4 << 20;  // above this the server answers 413 before reading the body
  size_t worker_threads = 32;
  int read_timeout_seconds = 10;
};

// HttpServer is the transport: it binds a loopback/any address, maps routes to handlers and
// records per-endpoint request counters and latency. Handlers run on a worker pool.
// Register routes before Start. Thread-safe after Start.
class HttpServer {
 public:
  using Handler = std::function<Response(const Request&)>;

  HttpServer(HttpServerOptions options, MetricsRegistry& metrics);
  ~HttpServer();

  // Route registers `pattern` (an ECMAScript regex on the path, captures → path_params) for
  // `method`; `endpoint` names it in metrics.
  void Route(const std::string& method, const std::string& pattern, const std::string& endpoint,
             Handler handler);
  // Static serves files under `dir` at `mount` (the web console).
  bool Static(const std::string& mount, const std::string& dir);

  // Bind listens on host:port (port 0 = any free port); returns the bound port.
  Result<int> Bind(const std::string& host, int port);
  // Serve runs the accept loop until Stop; call from a dedicated thread.
  void Serve();
  // Stop stops accepting, lets in-flight requests finish, and makes Serve return.
  void Stop();

 private:
  std::unique_ptr<httplib::Server> server_;
  HttpServerOptions options_;
  MetricsRegistry& metrics_;
};

}  // namespace vakt::api
