#include "ingest/commit_queue.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <thread>

#include "storage/database.h"

namespace vakt::ingest {
namespace {

// ControlledStore wraps a real SQLite store and can fail or block commits and syncs, to observe
// grouping and the pipeline between commit and sync.
class ControlledStore : public storage::AlertStore {
 public:
  explicit ControlledStore(storage::AlertStore& inner) : inner_(inner) {}
  Result<std::vector<storage::AlertUpsert>> UpsertAlerts(
      const std::vector<Alert>& alerts) override {
    calls.fetch_add(1);
    if (fail.load()) return Status::Unavailable("disk on fire");
    while (hold.load()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    return inner_.UpsertAlerts(alerts);
  }
  Status SyncCommitted() override {
    syncs.fetch_add(1);
    while (hold_sync.load()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    if (fail_sync.load()) return Status::Unavailable("fdatasync: I/O error");
    return inner_.SyncCommitted();
  }
  Result<Alert> GetAlert(std::uint64_t fp) override { return inner_.GetAlert(fp); }
  Result<Alert> FindByDedupKey(const std::string& key) override {
    return inner_.FindByDedupKey(key);
  }
  Result<std::vector<Alert>> ListAlerts(const storage::AlertQuery& q) override {
    return inner_.ListAlerts(q);
  }
  Result<std::int64_t> CountAlerts() override { return inner_.CountAlerts(); }
  Result<std::int64_t> AddChangeEvent(const storage::ChangeEvent& e) override {
    return inner_.AddChangeEvent(e);
  }
  Result<std::vector<storage::ChangeEvent>> ListChangeEvents(const std::string& p, TimeMs s,
                                                             size_t l) override {
    return inner_.ListChangeEvents(p, s, l);
  }
  std::atomic<int> calls{0};
  std::atomic<bool> fail{false};
  std::atomic<bool> hold{false};
  std::atomic<int> syncs{0};
  std::atomic<bool> fail_sync{false};
  std::atomic<bool> hold_sync{false};

 private:
  storage::AlertStore& inner_;
};

Alert MakeAlert(int index) {
  Alert alert;
  alert.labels = {{"alertname", "A"}, {"i", std::to_string(index)}};
  alert.fingerprint = Fingerprint(alert.labels);
  alert.starts_at = 1000;
  alert.ends_at = 100000;
  alert.updated_at = 1000;
  return alert;
}

class CommitQueueTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = std::move(*storage::OpenDatabase("sqlite::memory:"));
    store_ = std::make_unique<ControlledStore>(db_->alerts());
  }
  std::unique_ptr<storage::Database> db_;
  std::unique_ptr<ControlledStore> store_;
  MetricsRegistry metrics_;
};

TEST_F(CommitQueueTest, ConcurrentSubmitsShareTransactions) {
  CommitQueue queue(*store_, {}, metrics_);
  queue.Start();
  store_->hold = true;  // the first commit blocks while the others queue up behind it
  std::vector<std::thread> senders;
  std::atomic<int> ok{0};
  for (int sender = 0; sender < 8; ++sender) {
    senders.emplace_back([&, sender] {
      if (queue.Submit({MakeAlert(sender)}).ok()) ok.fetch_add(1);
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  store_->hold = false;
  for (auto& sender : senders) sender.join();
  EXPECT_EQ(ok.load(), 8);
  EXPECT_LT(store_->calls.load(), 8) << "submits should have been grouped";
  EXPECT_EQ(*db_->alerts().CountAlerts(), 8);
}

TEST_F(CommitQueueTest, FullQueueRefusesWithResourceExhausted) {
  CommitQueueOptions options;
  options.capacity_alerts = 3;
  CommitQueue queue(*store_, options, metrics_);
  queue.Start();
  auto result = queue.Submit({MakeAlert(1), MakeAlert(2), MakeAlert(3), MakeAlert(4)});
  EXPECT_EQ(result.status().code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(*db_->alerts().CountAlerts(), 0);
}

TEST_F(CommitQueueTest, FailedCommitReportsUnavailableAndStoresNothing) {
  CommitQueue queue(*store_, {}, metrics_);
  queue.Start();
  store_->fail = true;
  auto result = queue.Submit({MakeAlert(1)});
  EXPECT_EQ(result.status().code(), StatusCode::kUnavailable);
  store_->fail = false;
  EXPECT_EQ(*db_->alerts().CountAlerts(), 0);
}

TEST_F(CommitQueueTest, SubmitAfterStopIsRefused) {
  CommitQueue queue(*store_, {}, metrics_);
  queue.Start();
  queue.Stop();
  EXPECT_EQ(queue.Submit({MakeAlert(1)}).status().code(), StatusCode::kUnavailable);
}

TEST_F(CommitQueueTest, ListenerSeesEveryCommittedAlert) {
  CommitQueue queue(*store_, {}, metrics_);
  std::atomic<size_t> seen{0};
  queue.SetListener([&](const CommittedBatch& batch) {
    EXPECT_EQ(batch.alerts.size(), batch.upserts.size());
    seen.fetch_add(batch.alerts.size());
  });
  queue.Start();
  ASSERT_TRUE(queue.Submit({MakeAlert(1), MakeAlert(2)}).ok());
  ASSERT_TRUE(queue.Submit({MakeAlert(1)}).ok());
  queue.Stop();
  EXPECT_EQ(seen.load(), 3u);
}

TEST_F(CommitQueueTest, SubmitIsAnsweredOnlyAfterItsCommitIsSynced) {
  CommitQueue queue(*store_, {}, metrics_);
  queue.Start();
  store_->hold_sync = true;
  auto answer = std::async(std::launch::async, [&] { return queue.Submit({MakeAlert(1)}); });
  // Committed (readers see it) but not synced: the sender must still be waiting.
  for (int wait = 0; wait < 5000 && *db_->alerts().CountAlerts() == 0; ++wait) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ASSERT_EQ(*db_->alerts().CountAlerts(), 1);
  EXPECT_EQ(answer.wait_for(std::chrono::milliseconds(50)), std::future_status::timeout);
  store_->hold_sync = false;
  EXPECT_TRUE(answer.get().ok());
  EXPECT_GE(store_->syncs.load(), 1);
}

TEST_F(CommitQueueTest, WriterCommitsTheNextGroupWhileTheLastOneSyncs) {
  CommitQueue queue(*store_, {}, metrics_);
  queue.Start();
  store_->hold_sync = true;
  auto first = std::async(std::launch::async, [&] { return queue.Submit({MakeAlert(1)}); });
  for (int wait = 0; wait < 5000 && store_->syncs.load() == 0; ++wait) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ASSERT_EQ(store_->syncs.load(), 1) << "the first group should be syncing";
  auto second = std::async(std::launch::async, [&] { return queue.Submit({MakeAlert(2)}); });
  for (int wait = 0; wait < 5000 && *db_->alerts().CountAlerts() < 2; ++wait) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  EXPECT_EQ(*db_->alerts().CountAlerts(), 2) << "the second group waited for the first sync";
  store_->hold_sync = false;
  EXPECT_TRUE(first.get().ok());
  EXPECT_TRUE(second.get().ok());
}

TEST_F(CommitQueueTest, FailedSyncAnswersUnavailableAndWakesNoListener) {
  CommitQueue queue(*store_, {}, metrics_);
  std::atomic<int> batches{0};
  queue.SetListener([&](const CommittedBatch&) { batches.fetch_add(1); });
  queue.Start();
  store_->fail_sync = true;
  auto result = queue.Submit({MakeAlert(1), MakeAlert(2)});
  EXPECT_EQ(result.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(result.status().message().find("durable"), std::string::npos)
      << result.status().ToString();
  queue.Stop();
  EXPECT_EQ(batches.load(), 0);
}

TEST(ChangesDispatchTest, OnlyNewOrEndedAlertsWakeTheDispatcher) {
  Alert active;
  active.labels = {{"alertname", "A"}};
  active.fingerprint = Fingerprint(active.labels);
  active.starts_at = 1000;
  active.ends_at = 9000;
  storage::AlertUpsert resent;
  resent.fingerprint = active.fingerprint;
  resent.revision = 5;
  CommittedBatch batch;
  batch.alerts = {active};
  batch.upserts = {resent};
  EXPECT_FALSE(ChangesDispatch(batch, 2000));  // re-send of an active, known alert
  EXPECT_TRUE(ChangesDispatch(batch, 9000));   // arrived with endsAt already passed: a resolve
  batch.upserts[0].created = true;
  EXPECT_TRUE(ChangesDispatch(batch, 2000));  // new alert or new occurrence
  EXPECT_FALSE(ChangesDispatch(CommittedBatch{}, 2000));
}

}  // namespace
}  // namespace vakt::ingest
