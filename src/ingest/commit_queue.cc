#include "ingest/commit_queue.h"

#include <chrono>
#include <iterator>

namespace vakt::ingest {

bool ChangesDispatch(const CommittedBatch& batch, TimeMs now) {
  for (const storage::AlertUpsert& upsert : batch.upserts) {
    if (upsert.created) return true;
  }
  for (const Alert& alert : batch.alerts) {
    if (!alert.ActiveAt(now)) return true;
  }
  return false;
}

CommitQueue::CommitQueue(storage::AlertStore& store, CommitQueueOptions options,
                         MetricsRegistry& metrics)
    : store_(store),
      options_(options),
      queue_depth_(metrics.GetGauge("vakt_ingest_queue_alerts",
                                    "Alerts accepted for commit and not yet committed")),
      batch_size_(metrics.GetHistogram("vakt_ingest_commit_batch_alerts",
                                       "Alerts stored per group-commit transaction",
                                       {1, 10, 100, 1000, 5000, 20000})),
      commit_seconds_(metrics.GetHistogram("vakt_ingest_commit_seconds",
                                           "Duration of one group-commit transaction",
                                           {0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5})),
      sync_seconds_(metrics.GetHistogram("vakt_ingest_sync_seconds",
                                         "Duration of one fsync that made committed groups durable",
                                         {0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1})),
      commit_failures_(metrics.GetCounter("vakt_ingest_commit_failures_total",
                                          "Group commits that failed (nothing stored)")) {}

CommitQueue::~CommitQueue() { Stop(); }

void CommitQueue::Start() {
  std::lock_guard lock(mu_);
  if (writer_.joinable()) return;
  stopping_ = false;
  {
    std::lock_guard sync_lock(sync_mu_);
    writer_done_ = false;
  }
  syncer_ = std::thread([this] { RunSync(); });
  writer_ = std::thread([this] { Run(); });
}

void CommitQueue::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (writer_.joinable()) writer_.join();
  {
    std::lock_guard lock(sync_mu_);
    writer_done_ = true;
  }
  sync_wake_.notify_all();
  if (syncer_.joinable()) syncer_.join();
}

size_t CommitQueue::QueueDepth() const {
  std::lock_guard lock(mu_);
  return pending_alerts_;
}

Result<std::vector<storage::AlertUpsert>> CommitQueue::Submit(std::vector<Alert> alerts) {
  if (alerts.empty()) return std::vector<storage::AlertUpsert>{};
  std::future<Result<std::vector<storage::AlertUpsert>>> done;
  {
    std::lock_guard lock(mu_);
    if (stopping_ || !writer_.joinable()) return Status::Unavailable("vakt is shutting down");
    if (pending_alerts_ + alerts.size() > options_.capacity_alerts) {
      return Status::ResourceExhausted("ingest queue is full; retry later");
    }
    pending_alerts_ += alerts.size();
    queue_depth_.Set(static_cast<std::int64_t>(pending_alerts_));
    Request& request = pending_.emplace_back();
    request.alerts = std::move(alerts);
    done = request.done.get_future();
  }
  wake_.notify_one();
  return done.get();
}

void CommitQueue::Run() {
  while (true) {
    std::vector<Request> group;
    {
      std::unique_lock lock(mu_);
      wake_.wait(lock, [this] { return stopping_ || !pending_.empty(); });
      if (pending_.empty()) return;  // stopping and drained
      size_t alerts = 0;
      // Take whatever queued while the previous commit was syncing: that is the group.
      while (!pending_.empty() && (group.empty() || alerts + pending_.front().alerts.size() <=
                                                        options_.max_batch_alerts)) {
        alerts += pending_.front().alerts.size();
        group.push_back(std::move(pending_.front()));
        pending_.pop_front();
      }
      pending_alerts_ -= alerts;
      queue_depth_.Set(static_cast<std::int64_t>(pending_alerts_));
    }
    CommitGroup(group);
  }
}

void CommitQueue::CommitGroup(std::vector<Request>& group) {
  // Move (not copy) every request's alerts into the one batch: this runs on the single writer
  // thread, so a copy of every label map here would slow down every commit.
  CommittedBatch batch;
  size_t total = 0;
  for (const Request& request : group) total += request.alerts.size();
  batch.alerts.reserve(total);
  for (Request& request : group) {
    request.count = request.alerts.size();
    std::move(request.alerts.begin(), request.alerts.end(), std::back_inserter(batch.alerts));
    request.alerts.clear();
  }
  auto started = std::chrono::steady_clock::now();
  auto result = store_.UpsertAlertsUnsynced(batch.alerts);
  commit_seconds_.Observe(
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  if (!result.ok()) {
    commit_failures_.Increment();
    Status failed = Status::Unavailable("could not store alerts: " + result.status().message());
    for (Request& request : group) request.done.set_value(failed);
    return;
  }
  batch_size_.Observe(static_cast<double>(batch.alerts.size()));
  batch.upserts = std::move(*result);
  {
    std::lock_guard lock(sync_mu_);
    committed_.push_back(Committed{std::move(group), std::move(batch)});
  }
  sync_wake_.notify_one();
}

void CommitQueue::RunSync() {
  while (true) {
    std::deque<Committed> ready;
    {
      std::unique_lock lock(sync_mu_);
      sync_wake_.wait(lock, [this] { return writer_done_ || !committed_.empty(); });
      if (committed_.empty()) return;  // the writer has stopped and everything is synced
      ready.swap(committed_);
    }
    // Everything in `ready` was committed before this sync starts, so one fsync covers it all.
    auto started = std::chrono::steady_clock::now();
    Status synced = store_.SyncCommitted();
    sync_seconds_.Observe(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    for (Committed& committed : ready) {
      if (synced.ok()) {
        CompleteDurable(committed);
        continue;
      }
      // Committed but not known to be on disk: never a 2xx. The sender retries; a re-send merges.
      commit_failures_.Increment();
      Status failed = Status::Unavailable("could not make alerts durable: " + synced.message());
      for (Request& request : committed.requests) request.done.set_value(failed);
    }
  }
}

void CommitQueue::CompleteDurable(Committed& committed) {
  size_t offset = 0;
  for (Request& request : committed.requests) {
    auto first = committed.batch.upserts.begin() + static_cast<std::ptrdiff_t>(offset);
    offset += request.count;
    request.done.set_value(std::vector<storage::AlertUpsert>(
        first, committed.batch.upserts.begin() + static_cast<std::ptrdiff_t>(offset)));
  }
  if (listener_) listener_(committed.batch);
}

}  // namespace vakt::ingest
