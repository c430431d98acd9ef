#pragma once

#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace httplib {
class Server;
}

namespace vakt::notify::testing {

// RecordingHttpServer is a real HTTP server for tests: cpp-httplib bound to 127.0.0.1 on a port
// the OS picks, serving on its own thread. It records every request and answers with scripted
// replies, in order, then with the default reply. Thread-safe.
class RecordingHttpServer {
 public:
  struct Request {
    std::string method;
    std::string path;
    std::map<std::string, std::string> headers;  // names lower-cased
    std::string body;

    std::string Header(const std::string& lower_name) const {
      auto it = headers.find(lower_name);
      return it == headers.end() ? std::string() : it->second;
    }
  };
  struct Reply {
    Reply() = default;
    Reply(int status_code, std::string body_text,
          std::vector<std::pair<std::string, std::string>> extra_headers = {}, int delay = 0)
        : status(status_code),
          body(std::move(body_text)),
          headers(std::move(extra_headers)),
          delay_ms(delay) {}

    int status = 200;
    std::string body = "ok";
    std::vector<std::pair<std::string, std::string>> headers;
    int delay_ms = 0;  // sleep before answering, to provoke client timeouts
  };

  // Starts serving; started() says whether the port was bound and the server is accepting
  // (waits at most 5 s for that).
  RecordingHttpServer();
  ~RecordingHttpServer();
  RecordingHttpServer(const RecordingHttpServer&) = delete;
  RecordingHttpServer& operator=(const RecordingHttpServer&) = delete;

  bool started() const { return started_; }
  int port() const { return port_; }
  std::string Url(const std::string& path) const;

  void EnqueueReply(Reply reply);
  void SetDefaultReply(Reply reply);
  std::vector<Request> requests() const;
  // Stop stops accepting and joins the serving thread; idempotent.
  void Stop();

 private:
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = -1;
  bool started_ = false;
  mutable std::mutex mu_;
  std::deque<Reply> replies_;
  Reply default_reply_;
  std::vector<Request> requests_;
};

}  // namespace vakt::notify::testing
