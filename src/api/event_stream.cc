#include "api/event_stream.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <nlohmann/json.hpp>

#include "api/auth_guard.h"

namespace vakt::api {

struct EventStream::Cursor {
  std::int64_t last_sent = 0;
  std::chrono::steady_clock::time_point last_write;
  bool greeted = false;
};

std::string FormatServerSentEvent(const storage::FeedEvent& event) {
  nlohmann::json data = {{"event_id", event.id},
                         {"incident", "INC-" + std::to_string(event.incident_id)},
                         {"kind", event.kind},
                         {"actor", event.actor},
                         {"state", event.to_state},
                         {"time", event.time}};
  // dump() escapes control characters, so a label value cannot break the line framing.
  return "id: " + std::to_string(event.id) + "\nevent: incident\ndata: " + data.dump() + "\n\n";
}

EventStream::EventStream(storage::Database& database, EventStreamOptions options)
    : database_(database), options_(options) {}

EventStream::~EventStream() { Stop(); }

Status EventStream::Start() {
  VAKT_ASSIGN_OR_RETURN(std::int64_t latest, storage::LatestEventId(database_));
  {
    std::lock_guard lock(mu_);
    floor_id_ = latest;
    latest_id_ = latest;
    stopping_ = false;
  }
  watcher_ = std::thread([this] { Watch(); });
  return Status::Ok();
}

void EventStream::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  changed_.notify_all();
  if (watcher_.joinable()) watcher_.join();
}

void EventStream::Watch() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    std::int64_t after = latest_id_;
    lock.unlock();
    auto events = storage::ReadEventsAfter(database_, after, options_.batch_limit);
    lock.lock();
    if (!events.ok()) {
      spdlog::warn("event stream: reading incident events failed: {}", events.status().message());
    } else if (!events->empty()) {
      for (auto& event : *events) recent_.push_back(std::move(event));
      latest_id_ = recent_.back().id;
      while (recent_.size() > options_.backlog) {
        floor_id_ = recent_.front().id;
        recent_.pop_front();
      }
      changed_.notify_all();
      // A full batch means more is waiting: read on without sleeping.
      if (events->size() == options_.batch_limit) continue;
    }
    changed_.wait_for(lock, std::chrono::milliseconds(options_.poll_interval_ms),
                      [this] { return stopping_; });
  }
}

HttpServer::StreamReply EventStream::Open(std::int64_t last_event_id) {
  HttpServer::StreamReply reply;
  if (clients_.fetch_add(1) >= options_.max_clients) {
    clients_.fetch_sub(1);
    reply.head = ProblemResponse(503, "too many live streams open; retry later");
    return reply;
  }
  auto cursor = std::make_shared<Cursor>();
  {
    std::lock_guard lock(mu_);
    cursor->last_sent = last_event_id < 0 ? latest_id_ : last_event_id;
  }
  reply.head.status = 200;
  reply.head.content_type = "text/event-stream";
  reply.head.headers = {{"Cache-Control", "no-store"}, {"X-Accel-Buffering", "no"}};
  reply.pump = [this, cursor](const HttpServer::StreamSink& write) { return Pump(*cursor, write); };
  reply.on_close = [this] { clients_.fetch_sub(1); };
  return reply;
}

bool EventStream::Pump(Cursor& cursor, const HttpServer::StreamSink& write) {
  auto now = std::chrono::steady_clock::now();
  if (!cursor.greeted) {
    cursor.greeted = true;
    cursor.last_write = now;
    // retry: how long the browser waits before reconnecting (with Last-Event-ID).
    return write("retry: 2000\n: connected\n\n");
  }
  std::string out;
  {
    std::unique_lock lock(mu_);
    // Wait at most a second so Stop and vanished clients are noticed promptly.
    changed_.wait_for(lock, std::chrono::seconds(1),
                      [&] { return stopping_ || latest_id_ > cursor.last_sent; });
    if (stopping_) return false;
    if (cursor.last_sent < floor_id_) {
      // What this client missed is no longer in the backlog: tell it to reload.
      out += "id: " + std::to_string(latest_id_) + "\nevent: resync\ndata: {}\n\n";
      cursor.last_sent = latest_id_;
    }
    for (const auto& event : recent_) {
      if (event.id > cursor.last_sent) out += FormatServerSentEvent(event);
    }
    if (latest_id_ > cursor.last_sent) cursor.last_sent = latest_id_;
  }
  now = std::chrono::steady_clock::now();
  if (out.empty() && now - cursor.last_write >= std::chrono::milliseconds(options_.heartbeat_ms)) {
    out = ": heartbeat\n\n";
  }
  if (out.empty()) return true;
  cursor.last_write = now;
  return write(out);
}

void RegisterEventStreamRoutes(HttpServer& server, EventStream& stream, auth::TokenService& tokens) {
  server.StreamRoute("/api/v1/stream", "stream", [&stream, &tokens](const Request& request) {
    HttpServer::StreamReply reply;
    if (!Authorize(tokens, request, auth::Role::kViewer, reply.head)) return reply;
    std::int64_t last_event_id = -1;
    if (auto header = request.Header("last-event-id")) {
      try {
        last_event_id = std::stoll(*header);
      } catch (const std::exception&) {
        reply.head = ProblemResponse(400, "Last-Event-ID: must be an event id");
        return reply;
      }
      if (last_event_id < 0) {
        reply.head = ProblemResponse(400, "Last-Event-ID: must be an event id");
        return reply;
      }
    }
    return stream.Open(last_event_id);
  });
}

}  // namespace vakt::api
