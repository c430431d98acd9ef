#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <thread>

#include "api/http_server.h"
#include "auth/auth.h"
#include "storage/database.h"
#include "storage/sql_event_feed.h"

namespace vakt::api {

struct EventStreamOptions {
  int poll_interval_ms = 400;  // one watcher query per interval, however many browsers watch
  int heartbeat_ms = 15000;    // comment line so proxies and browsers keep the stream open
  size_t max_clients = 16;     // each stream holds an HTTP worker; the rest stay for the API
  size_t backlog = 2000;       // recent events kept for Last-Event-ID resumption
  size_t batch_limit = 500;    // rows per poll
};

// EventStream is the live feed behind GET /api/v1/stream (server-sent events). ONE watcher thread
// polls incident_events by id and fans new events out to every connected browser, so a hundred
// open consoles cost one query per interval. Each SSE event carries the event id; a browser that
// reconnects with Last-Event-ID gets what it missed, or a `resync` event when that has left the
// backlog. Stop ends every stream within a poll interval so the HTTP server can drain.
class EventStream {
 public:
  EventStream(storage::Database& database, EventStreamOptions options = {});
  ~EventStream();

  Status Start();
  void Stop();

  // Open starts one client's stream (already authorised), resuming after `last_event_id` (-1 =
  // from now). 503 when max_clients streams are open.
  HttpServer::StreamReply Open(std::int64_t last_event_id);
  size_t clients() const { return clients_.load(); }

 private:
  struct Cursor;
  void Watch();
  // Pump writes what `cursor` has not seen yet; false when the stream should end.
  bool Pump(Cursor& cursor, const HttpServer::StreamSink& write);

  storage::Database& database_;
  const EventStreamOptions options_;
  std::atomic<size_t> clients_{0};
  std::mutex mu_;
  std::condition_variable changed_;
  std::deque<storage::FeedEvent> recent_;  // GUARDED_BY(mu_); ascending ids
  std::int64_t floor_id_ = 0;              // GUARDED_BY(mu_); every event above it is in recent_
  std::int64_t latest_id_ = 0;             // GUARDED_BY(mu_)
  bool stopping_ = false;                  // GUARDED_BY(mu_)
  std::thread watcher_;
};

// RegisterEventStreamRoutes adds GET /api/v1/stream (any role: bearer token or console session).
void RegisterEventStreamRoutes(HttpServer& server, EventStream& stream, auth::TokenService& tokens);

// FormatServerSentEvent renders one feed event in the text/event-stream format.
std::string FormatServerSentEvent(const storage::FeedEvent& event);

}  // namespace vakt::api
