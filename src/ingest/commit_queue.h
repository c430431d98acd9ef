#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

#include "common/metrics.h"
#include "common/status.h"
#include "model/alert.h"
#include "storage/alert_store.h"

namespace vakt::ingest {

struct CommitQueueOptions {
  size_t capacity_alerts = 100'000;  // queued but uncommitted alerts before Submit refuses
  size_t max_batch_alerts = 20'000;  // alerts per transaction
};

// CommittedBatch is what one transaction stored: every alert with its upsert outcome.
struct CommittedBatch {
  std::vector<Alert> alerts;
  std::vector<storage::AlertUpsert> upserts;
};

// ChangesDispatch says whether a committed batch holds anything the incident dispatcher acts on:
// an alert that is new (or a new occurrence), or one that arrived already ended (a resolve).
// A plain re-send of an active, known alert changes neither which alerts wait for an incident
// nor which incidents can resolve; waking the dispatcher for those only repeats its last pass.
bool ChangesDispatch(const CommittedBatch& batch, TimeMs now);

// CommitQueue is the single alert writer and its group commit. HTTP handlers Submit parsed alerts
// and block; one writer thread drains everything queued into one transaction and commits it; a
// sync thread then makes the commit durable (one fsync for every group committed since the last
// one) and only then completes each waiting Submit. So a 2xx is only ever sent for a durable
// alert, durability costs one fsync per group rather than per alert, and the writer stores the
// next group while the previous one syncs (storage::AlertStore::UpsertAlertsUnsynced).
// Thread-safe.
class CommitQueue {
 public:
  using Listener = std::function<void(const CommittedBatch&)>;

  CommitQueue(storage::AlertStore& store, CommitQueueOptions options, MetricsRegistry& metrics);
  ~CommitQueue();
  CommitQueue(const CommitQueue&) = delete;
  CommitQueue& operator=(const CommitQueue&) = delete;

  // SetListener registers the callback run on the sync thread after every group is durable
  // (dispatch to incidents). REQUIRES: called before Start.
  void SetListener(Listener listener) { listener_ = std::move(listener); }

  void Start();
  // Stop refuses new work, commits and syncs everything already queued, then joins both threads.
  void Stop();

  // Submit stores `alerts` and returns their outcomes once committed and durable. ResourceExhausted
  // when the queue is full (the caller answers 503 + Retry-After), Unavailable when stopping, when
  // the commit failed (nothing of the batch is stored then) or when the fsync failed (stored but
  // not known to be durable; a re-send merges).
  Result<std::vector<storage::AlertUpsert>> Submit(std::vector<Alert> alerts);

  size_t QueueDepth() const;

 private:
  struct Request {
    std::vector<Alert> alerts;  // moved into the group's batch by the writer
    size_t count = 0;           // how many alerts, i.e. this request's slice of the batch
    std::promise<Result<std::vector<storage::AlertUpsert>>> done;
  };
  // A committed group waiting for its fsync.
  struct Committed {
    std::vector<Request> requests;
    CommittedBatch batch;
  };
  void Run();
  void CommitGroup(std::vector<Request>& group);
  void RunSync();
  void CompleteDurable(Committed& committed);

  storage::AlertStore& store_;
  const CommitQueueOptions options_;
  Listener listener_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::deque<Request> pending_;  // GUARDED_BY(mu_)
  size_t pending_alerts_ = 0;    // GUARDED_BY(mu_)
  bool stopping_ = false;        // GUARDED_BY(mu_)
  std::thread writer_;
  std::mutex sync_mu_;
  std::condition_variable sync_wake_;
  std::deque<Committed> committed_;  // GUARDED_BY(sync_mu_)
  bool writer_done_ = false;         // GUARDED_BY(sync_mu_)
  std::thread syncer_;
  Gauge& queue_depth_;
  Histogram& batch_size_;
  Histogram& commit_seconds_;
  Histogram& sync_seconds_;
  Counter& commit_failures_;
};

}  // namespace vakt::ingest
