#include "notify/testing/recording_http_server.h"

#include <httplib.h>

#include <algorithm>
#include <cctype>
#include <chrono>

#include "common/ascii.h"

namespace vakt::notify::testing {

RecordingHttpServer::RecordingHttpServer() : server_(std::make_unique<httplib::Server>()) {
  auto handler = [this](const httplib::Request& request, httplib::Response& response) {
    Reply reply;
    {
      std::lock_guard<std::mutex> lock(mu_);
      Request recorded{request.method, request.path, {}, request.body};
      for (const auto& [name, value] : request.headers) {
        recorded.headers[AsciiLower(name)] = value;
      }
      requests_.push_back(std::move(recorded));
      if (replies_.empty()) {
        reply = default_reply_;
      } else {
        reply = std::move(replies_.front());
        replies_.pop_front();
      }
    }
    if (reply.delay_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(reply.delay_ms));
    response.status = reply.status;
    for (const auto& [name, value] : reply.headers) response.set_header(name, value);
    response.set_content(reply.body, "text/plain");
  };
  server_->Post(".*", handler);
  server_->Get(".*", handler);
  port_ = server_->bind_to_any_port("127.0.0.1");
  if (port_ <= 0) return;
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  for (int waited_ms = 0; waited_ms < 5000 && !server_->is_running(); waited_ms += 10) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  started_ = server_->is_running();
}

RecordingHttpServer::~RecordingHttpServer() { Stop(); }

void RecordingHttpServer::Stop() {
  server_->stop();
  if (thread_.joinable()) thread_.join();
}

std::string RecordingHttpServer::Url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + path;
}

void RecordingHttpServer::EnqueueReply(Reply reply) {
  std::lock_guard<std::mutex> lock(mu_);
  replies_.push_back(std::move(reply));
}

void RecordingHttpServer::SetDefaultReply(Reply reply) {
  std::lock_guard<std::mutex> lock(mu_);
  default_reply_ = std::move(reply);
}

std::vector<RecordingHttpServer::Request> RecordingHttpServer::requests() const {
  std::lock_guard<std::mutex> lock(mu_);
  return requests_;
}

}  // namespace vakt::notify::testing
