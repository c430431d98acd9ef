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
  // StreamSink writes one chunk of a streaming response; false once the client has gone.
  using StreamSink = std::function<bool(const std::string&)>;
  // StreamReply starts a streaming response (server-sent events): `head` carries status and
  // headers (a non-200 head is sent as a plain response); `pump` is then called repeatedly on
  // the worker thread until it returns false, and must return within about a second so a
  // draining server is never held up; `on_close` runs once when the stream ends.
  struct StreamReply {
    Response head;
    std::function<bool(const StreamSink&)> pump;
    std::function<void()> on_close;
  };
  using StreamHandler = std::function<StreamReply(const Request&)>;
  // StreamRoute registers a GET route whose response is streamed chunk by chunk.
  void StreamRoute(const std::string& pattern, const std::string& endpoint, StreamHandler handler);
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
