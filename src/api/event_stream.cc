#include "api/event_stream.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <nlohmann/json.hpp>

#include "api/auth_guard.h"

namespace vakt::api {
namespace {

constexpr auto kReauthorizeInterval = std::chrono::seconds(3);

std::string CursorText(const EventStream::FeedCursor& cursor) {
  return std::to_string(cursor.event_id) + "." + std::to_string(cursor.audit_seen);
}

bool ParseCount(std::string_view text, std::int64_t& out) {
  if (text.empty() || text.size() > 18) return false;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
  return error == std::errc() && end == text.data() + text.size() && out >= 0;
}

}  // namespace

struct EventStream::Cursor {
  FeedCursor seen;
  std::chrono::steady_clock::time_point last_write;
  bool greeted = false;
};

std::string FormatServerSentEvent(const storage::FeedEvent& event) {
  nlohmann::json data = {
      {"event_id", event.id},    {"incident", "INC-" + std::to_string(event.incident_id)},
      {"kind", event.kind},      {"actor", event.actor},
      {"state", event.to_state}, {"time", event.time}};
  // dump() escapes control characters, so a label value cannot break the line framing.
  return "event: incident\ndata: " + data.dump() + "\n\n";
}

std::string IncidentKeyInSubject(const std::string& subject) {
  for (size_t at = subject.find("INC-"); at != std::string::npos;
       at = subject.find("INC-", at + 1)) {
    bool starts_word = at == 0 || !std::isalnum(static_cast<unsigned char>(subject[at - 1]));
    size_t end = at + 4;
    while (end < subject.size() && std::isdigit(static_cast<unsigned char>(subject[end]))) ++end;
    if (starts_word && end > at + 4) return subject.substr(at, end - at);
  }
  return "";
}

std::string FormatAuditEvent(const storage::AuditFeedEvent& event) {
  std::string incident = IncidentKeyInSubject(event.subject);
  if (incident.empty()) return "";
  nlohmann::json data = {{"seq", event.seq},
                         {"incident", incident},
                         {"action", event.action},
                         {"subject", event.subject},
                         {"time", event.time}};
  return "event: audit\ndata: " + data.dump() + "\n\n";
}

std::optional<EventStream::FeedCursor> ParseFeedCursor(const std::string& text) {
  EventStream::FeedCursor cursor;
  size_t dot = text.find('.');
  if (!ParseCount(std::string_view(text).substr(0, dot), cursor.event_id)) return std::nullopt;
  if (dot == std::string::npos) {
    cursor.audit_seen = -1;
  } else if (!ParseCount(std::string_view(text).substr(dot + 1), cursor.audit_seen)) {
    return std::nullopt;
  }
  return cursor;
}

EventStream::EventStream(storage::Database& database, EventStreamOptions options)
    : database_(database), options_(options) {}

EventStream::~EventStream() { Stop(); }

Status EventStream::Start() {
  VAKT_ASSIGN_OR_RETURN(std::int64_t latest, storage::LatestEventId(database_));
  VAKT_ASSIGN_OR_RETURN(std::int64_t audit_seen, storage::AuditLeafCount(database_));
  {
    std::unique_lock lock(mu_);
    stopping_ = false;
    recent_.clear();
    // Seed the backlog with the newest rows already stored, so a browser that reconnects with
    // Last-Event-ID after vakt restarted (or names a cursor from before this process started)
    // resumes with what it missed instead of being told to resync. This runs before the watcher
    // and before any client can open a stream, so "from now" still means the newest row.
    const auto depth = static_cast<std::int64_t>(options_.backlog);
    latest_ = FeedCursor{std::max<std::int64_t>(0, latest - depth),
                         std::max<std::int64_t>(0, audit_seen - depth)};
    floor_ = latest_;
    while (Poll(lock)) {
    }
    if (latest_.event_id < latest || latest_.audit_seen < audit_seen) {
      // Reading the stored rows failed (Poll logged why): start from now without a backlog.
      recent_.clear();
      latest_ = FeedCursor{latest, audit_seen};
      floor_ = latest_;
    }
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

bool EventStream::Poll(std::unique_lock<std::mutex>& lock) {
  FeedCursor after = latest_;
  lock.unlock();
  auto events = storage::ReadEventsAfter(database_, after.event_id, options_.batch_limit);
  auto audits = storage::ReadAuditAfter(database_, after.audit_seen, options_.batch_limit);
  lock.lock();
  bool added = false;
  bool full = false;
  if (!events.ok()) {
    spdlog::warn("event stream: reading incident events failed: {}", events.status().message());
  } else {
    for (const auto& event : *events) {
      latest_.event_id = event.id;
      recent_.push_back(Item{latest_, false, FormatServerSentEvent(event)});
      added = true;
    }
    full = events->size() == options_.batch_limit;
  }
  if (!audits.ok()) {
    spdlog::warn("event stream: reading the audit log failed: {}", audits.status().message());
  } else {
    for (const auto& audit : *audits) {
      latest_.audit_seen = audit.seq + 1;
      std::string frame = FormatAuditEvent(audit);
      if (!frame.empty()) recent_.push_back(Item{latest_, true, std::move(frame)});
      added = true;  // the cursor moved even when nothing is announced
    }
    full = full || audits->size() == options_.batch_limit;
  }
  while (recent_.size() > options_.backlog) {
    floor_ = recent_.front().after;
    recent_.pop_front();
  }
  if (added) changed_.notify_all();
  return full;
}

void EventStream::Watch() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    // A full batch means more is waiting: read on without sleeping.
    if (Poll(lock)) continue;
    changed_.wait_for(lock, std::chrono::milliseconds(options_.poll_interval_ms),
                      [this] { return stopping_; });
  }
}

HttpServer::StreamReply EventStream::Open(std::optional<FeedCursor> resume) {
  HttpServer::StreamReply reply;
  if (clients_.fetch_add(1) >= options_.max_clients) {
    clients_.fetch_sub(1);
    reply.head = ProblemResponse(503, "too many live streams open; retry later");
    return reply;
  }
  auto cursor = std::make_shared<Cursor>();
  {
    std::lock_guard lock(mu_);
    cursor->seen = latest_;
    if (resume) {
      cursor->seen.event_id = resume->event_id;
      if (resume->audit_seen >= 0) cursor->seen.audit_seen = resume->audit_seen;
    }
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
    auto behind = [&] {
      return latest_.event_id > cursor.seen.event_id || latest_.audit_seen > cursor.seen.audit_seen;
    };
    // Wait at most a second so Stop and vanished clients are noticed promptly.
    changed_.wait_for(lock, std::chrono::seconds(1), [&] { return stopping_ || behind(); });
    if (stopping_) return false;
    if (cursor.seen.event_id < floor_.event_id || cursor.seen.audit_seen < floor_.audit_seen) {
      // What this client missed is no longer in the backlog: tell it to reload.
      out += "id: " + CursorText(latest_) + "\nevent: resync\ndata: {}\n\n";
      cursor.seen = latest_;
    }
    for (const auto& item : recent_) {
      bool unseen = item.audit ? item.after.audit_seen > cursor.seen.audit_seen
                               : item.after.event_id > cursor.seen.event_id;
      if (unseen) out += "id: " + CursorText(item.after) + "\n" + item.frame;
    }
    cursor.seen.event_id = std::max(cursor.seen.event_id, latest_.event_id);
    cursor.seen.audit_seen = std::max(cursor.seen.audit_seen, latest_.audit_seen);
  }
  now = std::chrono::steady_clock::now();
  if (out.empty() && now - cursor.last_write >= std::chrono::milliseconds(options_.heartbeat_ms)) {
    out = ": heartbeat\n\n";
  }
  if (out.empty()) return true;
  cursor.last_write = now;
  return write(out);
}

void RegisterEventStreamRoutes(HttpServer& server, EventStream& stream,
                               auth::TokenService& tokens) {
  server.StreamRoute("/api/v1/stream", "stream", [&stream, &tokens](const Request& request) {
    HttpServer::StreamReply reply;
    if (!Authorize(tokens, request, auth::Role::kViewer, reply.head)) return reply;
    std::optional<EventStream::FeedCursor> resume;
    if (auto header = request.Header("last-event-id")) {
      resume = ParseFeedCursor(*header);
      if (!resume) {
        reply.head =
            ProblemResponse(400, "Last-Event-ID: must be an event id (\"12\" or \"12.40\")");
        return reply;
      }
    }
    reply = stream.Open(resume);
    if (!reply.pump) return reply;
    // A stream outlives the request that authorised it: re-check the caller every few seconds so
    // a revoked token or an ended session stops receiving at once (the browser then reconnects,
    // gets 401 and shows the login page).
    auto caller = std::make_shared<const Request>(request);
    auto checked =
        std::make_shared<std::chrono::steady_clock::time_point>(std::chrono::steady_clock::now());
    reply.pump = [pump = std::move(reply.pump), caller, checked,
                  &tokens](const HttpServer::StreamSink& write) {
      auto now = std::chrono::steady_clock::now();
      if (now - *checked >= kReauthorizeInterval) {
        *checked = now;
        Response denied;
        if (!Authorize(tokens, *caller, auth::Role::kViewer, denied)) return false;
      }
      return pump(write);
    };
    return reply;
  });
}

}  // namespace vakt::api
