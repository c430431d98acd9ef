#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
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
  size_t backlog = 2000;       // recent events kept for Last-Event-ID resumption (seeded at Start)
  size_t batch_limit = 500;    // rows per poll
};

// EventStream is the live feed behind GET /api/v1/stream (server-sent events). ONE watcher thread
// polls incident_events by id and the audit log by seq and fans new rows out to every connected
// browser, so a hundred open consoles cost two queries per interval. Two kinds of SSE event:
// `incident` (a lifecycle event: the list re-reads) and `audit` (an audit record whose subject
// names an incident: step transitions, approvals, evidence, pages, notifications, notes; the
// incident page re-reads its steps, timeline and evidence). Each SSE id is the cursor
// "<incident event id>.<audit leaves seen>"; a browser that reconnects with Last-Event-ID gets
// what it missed in both, or a `resync` event when that has left the backlog. Stop ends every
// stream within a poll interval so the HTTP server can drain.
class EventStream {
 public:
  EventStream(storage::Database& database, EventStreamOptions options = {});
  ~EventStream();

  Status Start();
  void Stop();

  // FeedCursor is how far a client has read: incident events up to `event_id`, audit leaves
  // below `audit_seen` (-1 in a resume request: from now).
  struct FeedCursor {
    std::int64_t event_id = 0;
    std::int64_t audit_seen = 0;
  };

  // Open starts one client's stream (already authorised), resuming after `resume` (nullopt =
  // from now). 503 when max_clients streams are open.
  HttpServer::StreamReply Open(std::optional<FeedCursor> resume);
  size_t clients() const { return clients_.load(); }

 private:
  struct Cursor;
  // Item is one announced row with the feed cursor just after it (ids of the SSE frame).
  struct Item {
    FeedCursor after;
    bool audit = false;
    std::string frame;  // "event: …\ndata: …\n\n"
  };
  void Watch();
  // Poll reads what is new since the last poll into recent_; true when a batch was full.
  bool Poll(std::unique_lock<std::mutex>& lock);
  // Pump writes what `cursor` has not seen yet; false when the stream should end.
  bool Pump(Cursor& cursor, const HttpServer::StreamSink& write);

  storage::Database& database_;
  const EventStreamOptions options_;
  std::atomic<size_t> clients_{0};
  std::mutex mu_;
  std::condition_variable changed_;
  std::deque<Item> recent_;  // GUARDED_BY(mu_); ascending cursors
  FeedCursor floor_;         // GUARDED_BY(mu_); every item after it is in recent_
  FeedCursor latest_;        // GUARDED_BY(mu_)
  bool stopping_ = false;    // GUARDED_BY(mu_)
  std::thread watcher_;
};

// RegisterEventStreamRoutes adds GET /api/v1/stream (any role: bearer token or console session).
void RegisterEventStreamRoutes(HttpServer& server, EventStream& stream, auth::TokenService& tokens);

// FormatServerSentEvent renders one incident event in the text/event-stream format (without the
// id line, which carries the cursor).
std::string FormatServerSentEvent(const storage::FeedEvent& event);
// FormatAuditEvent renders an audit record as an `audit` event; "" when its subject names no
// incident (token, session and runbook records are not the console's live business).
std::string FormatAuditEvent(const storage::AuditFeedEvent& event);
// IncidentKeyInSubject finds "INC-<n>" in an audit subject (incident/INC-4, step/INC-4/x,
// notification/step:INC-4:…); "" when there is none.
std::string IncidentKeyInSubject(const std::string& subject);
// ParseFeedCursor reads a Last-Event-ID: "<event id>.<audit seen>", or a bare event id (an older
// console's; audit_seen -1 = from now). nullopt when malformed.
std::optional<EventStream::FeedCursor> ParseFeedCursor(const std::string& text);

}  // namespace vakt::api
