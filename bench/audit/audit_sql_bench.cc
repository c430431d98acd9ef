// The audit log on its real stores (docs/bench/audit.md): AuditLog::AppendBatch into
// SqlAuditLeafStore with one database transaction per batch, and VerifyLog reading the whole
// log back from the database. SQLite always; PostgreSQL when VAKT_BENCH_POSTGRES_URL is set.
//   build/audit-release/bench/audit/audit_sql_bench

#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "audit/audit_log.h"
#include "audit/log_verifier.h"
#include "storage/database.h"
#include "storage/sql_audit_leaf_store.h"

namespace vakt::audit {
namespace {

constexpr char kOrigin[] = "bench.vakt/audit";

// Event n is about one of `subjects` incidents, round robin: with the default 1000 every batch of
// 1000 or more touches 1000 distinct subjects, the worst case for the audit_leaves_subject index.
AuditEvent Event(std::int64_t n, std::int64_t subjects = 1000) {
  return {"user:alice",
          "incident.acknowledge",
          "incident/INC-" + std::to_string(n % subjects),
          {{"step", n % 7}, {"note", "benchmark event"}},
          ""};
}

std::string SqliteUrl(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("vakt-audit-bench-" + std::to_string(::getpid()) + "-" + name);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return "sqlite:" + (dir / "vakt.db").string();
}

// Appends range(0) leaves in batches of range(1), one transaction per batch, into a fresh
// database; then (untimed) checks the stored log verifies. Each batch is about `subjects`
// distinct subjects.
void AppendBatches(benchmark::State& state, const std::string& url, std::int64_t subjects = 1000) {
  const std::int64_t total = state.range(0);
  const std::int64_t batch = state.range(1);
  std::vector<AuditEvent> events;
  for (std::int64_t n = 0; n < batch; ++n) events.push_back(Event(n, subjects));
  const FakeClock clock;
  const auto signer = *NoteSigner::FromSeed(kOrigin, std::string(32, 'k'));
  for (auto _ : state) {
    state.PauseTiming();
    auto database = storage::OpenDatabase(url);
    if (!database.ok()) {
      state.SkipWithError(database.status().ToString().c_str());
      return;
    }
    storage::SqlAuditLeafStore store(**database);
    auto log = AuditLog::Open(store, clock, signer, kOrigin);
    if (!log.ok()) {
      state.SkipWithError(log.status().ToString().c_str());
      return;
    }
    state.ResumeTiming();
    for (std::int64_t done = 0; done < total; done += batch) {
      auto appended = (*log)->AppendBatch(events);
      if (!appended.ok()) {
        state.SkipWithError(appended.status().ToString().c_str());
        return;
      }
    }
    state.PauseTiming();
    (void)(*log)->SignCheckpoint();
    // What was committed must be a log that verifies.
    auto report = VerifyLog(store, signer.verifier(), {kOrigin, 4096, false});
    if (!report.ok()) state.SkipWithError(report.status().ToString().c_str());
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * total);
}

void BM_SqliteAppendBatch(benchmark::State& state) {
  AppendBatches(state, SqliteUrl("append-" + std::to_string(state.range(1))));
}
BENCHMARK(BM_SqliteAppendBatch)
    ->Args({200'000, 1000})
    ->Args({200'000, 10'000})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1);

// The same appends with range(2) distinct subjects per batch instead of 1000: how much of the
// cost is the subject index dirtying one page per distinct subject in every commit.
void BM_SqliteAppendBatchSubjects(benchmark::State& state) {
  AppendBatches(state, SqliteUrl("append-subjects-" + std::to_string(state.range(2))),
                state.range(2));
}
BENCHMARK(BM_SqliteAppendBatchSubjects)
    ->Args({200'000, 1000, 10})
    ->Args({200'000, 1000, 100})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1);

void BM_PostgresAppendBatch(benchmark::State& state) {
  const char* url = std::getenv("VAKT_BENCH_POSTGRES_URL");
  if (url == nullptr) {
    state.SkipWithError("VAKT_BENCH_POSTGRES_URL not set");
    for (auto _ : state) {
    }
    return;
  }
  AppendBatches(state, url);
}
BENCHMARK(BM_PostgresAppendBatch)
    ->Args({200'000, 1000})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1);

// Verifying a 1M-leaf log read back from SQLite; range(0) = 1: full record check, 0: fast.
void BM_SqliteVerifyLog(benchmark::State& state) {
  static const std::string url = [] {
    const std::string made = SqliteUrl("verify");
    const FakeClock clock;
    const auto signer = *NoteSigner::FromSeed(kOrigin, std::string(32, 'k'));
    auto database = storage::OpenDatabase(made);
    storage::SqlAuditLeafStore store(**database);
    auto log = *AuditLog::Open(store, clock, signer, kOrigin);
    std::vector<AuditEvent> events;
    for (std::int64_t n = 0; n < 8192; ++n) events.push_back(Event(n));
    for (std::int64_t done = 0; done < (1 << 20); done += 8192) {
      (void)log->AppendBatch(events);
      if ((done / 8192) % 8 == 7) (void)log->SignCheckpoint();
    }
    return made;
  }();
  const auto signer = *NoteSigner::FromSeed(kOrigin, std::string(32, 'k'));
  auto database = storage::OpenDatabase(url);
  storage::SqlAuditLeafStore store(**database);
  for (auto _ : state) {
    auto report = VerifyLog(store, signer.verifier(), {kOrigin, 4096, state.range(0) != 0});
    if (!report.ok()) state.SkipWithError(report.status().ToString().c_str());
    benchmark::DoNotOptimize(report);
  }
  state.SetItemsProcessed(state.iterations() * (1 << 20));
}
BENCHMARK(BM_SqliteVerifyLog)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->Iterations(1);

}  // namespace
}  // namespace vakt::audit

BENCHMARK_MAIN();
