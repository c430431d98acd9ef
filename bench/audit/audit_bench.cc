// Benchmarks for the audit log (docs/bench/audit.md). Run from a release build:
//   build/audit-release/bench/audit/audit_bench

#include <benchmark/benchmark.h>

#include <memory>
#include <random>
#include <string>
#include <vector>

#include "audit/audit_log.h"
#include "audit/compact_range.h"
#include "audit/in_memory_leaf_store.h"
#include "audit/log_verifier.h"
#include "audit/merkle_tree.h"

namespace vakt::audit {
namespace {

constexpr std::int64_t kMillion = 1 << 20;  // 1,048,576 leaves

std::vector<Hash> LeafHashes(std::int64_t count) {
  std::vector<Hash> leaves;
  leaves.reserve(static_cast<size_t>(count));
  for (std::int64_t pos = 0; pos < count; ++pos) leaves.push_back(HashLeaf(std::to_string(pos)));
  return leaves;
}

// Appending a leaf hash to the incremental tree and reading the new root after every append.
void BM_CompactRangeAppendAndRoot(benchmark::State& state) {
  const auto leaves = LeafHashes(state.range(0));
  for (auto _ : state) {
    CompactRange range;
    for (const auto& leaf : leaves) {
      range.Append(leaf);
      benchmark::DoNotOptimize(range.Root());
    }
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_CompactRangeAppendAndRoot)->Arg(kMillion)->Unit(benchmark::kMillisecond);

// The full in-memory tree the log keeps for proofs: append all, one root at the end.
void BM_MerkleTreeAppend(benchmark::State& state) {
  const auto leaves = LeafHashes(state.range(0));
  for (auto _ : state) {
    MerkleTree tree;
    for (const auto& leaf : leaves) tree.Append(leaf);
    benchmark::DoNotOptimize(tree.Root());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_MerkleTreeAppend)->Arg(kMillion)->Unit(benchmark::kMillisecond);

const MerkleTree& MillionTree() {
  static const MerkleTree* tree = [] {
    auto* built = new MerkleTree();
    for (const auto& leaf : LeafHashes(kMillion + 12345)) built->Append(leaf);
    return built;
  }();
  return *tree;
}

void BM_InclusionProof(benchmark::State& state) {
  const MerkleTree& tree = MillionTree();
  std::mt19937_64 rng(1);
  for (auto _ : state) {
    const std::uint64_t index = rng() % tree.size();
    benchmark::DoNotOptimize(tree.InclusionProof(index, tree.size()));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_InclusionProof);

void BM_ConsistencyProof(benchmark::State& state) {
  const MerkleTree& tree = MillionTree();
  std::mt19937_64 rng(2);
  for (auto _ : state) {
    const std::uint64_t old_size = 1 + rng() % tree.size();
    benchmark::DoNotOptimize(tree.ConsistencyProof(old_size, tree.size()));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ConsistencyProof);

void BM_VerifyInclusion(benchmark::State& state) {
  const MerkleTree& tree = MillionTree();
  const Hash root = tree.Root();
  std::mt19937_64 rng(3);
  for (auto _ : state) {
    state.PauseTiming();
    const std::uint64_t index = rng() % tree.size();
    const auto proof = *tree.InclusionProof(index, tree.size());
    state.ResumeTiming();
    benchmark::DoNotOptimize(VerifyInclusion(index, tree.size(), tree.LeafHash(index), proof, root));
  }
}
BENCHMARK(BM_VerifyInclusion);

AuditEvent Event(std::int64_t n) {
  return {"user:alice", "incident.acknowledge", "incident/INC-" + std::to_string(n % 1000),
          {{"step", n % 7}, {"note", "benchmark event"}}, ""};
}

// End-to-end append: canonical JSON, leaf hash, store append (in memory), tree update; batches
// of state.range(1) events as the service commits them.
void BM_AuditLogAppendBatch(benchmark::State& state) {
  const std::int64_t total = state.range(0);
  const std::int64_t batch = state.range(1);
  std::vector<AuditEvent> events;
  for (std::int64_t n = 0; n < batch; ++n) events.push_back(Event(n));
  const FakeClock clock;
  const auto signer = *NoteSigner::FromSeed("bench.vakt/audit", std::string(32, 'k'));
  for (auto _ : state) {
    InMemoryLeafStore store;
    auto log = *AuditLog::Open(store, clock, signer, "bench.vakt/audit");
    for (std::int64_t done = 0; done < total; done += batch) {
      benchmark::DoNotOptimize(log->AppendBatch(events));
    }
  }
  state.SetItemsProcessed(state.iterations() * total);
}
BENCHMARK(BM_AuditLogAppendBatch)->Args({kMillion, 1000})->Unit(benchmark::kMillisecond);

// Full offline verification of a 1M-leaf log with 16 checkpoints.
void BM_VerifyLog(benchmark::State& state) {
  const FakeClock clock;
  const auto signer = *NoteSigner::FromSeed("bench.vakt/audit", std::string(32, 'k'));
  InMemoryLeafStore store;
  {
    auto log = *AuditLog::Open(store, clock, signer, "bench.vakt/audit");
    std::vector<AuditEvent> events;
    for (std::int64_t n = 0; n < 1024; ++n) events.push_back(Event(n));
    for (std::int64_t done = 0; done < state.range(0); done += 1024) {
      (void)log->AppendBatch(events);
      if ((done / 1024) % 64 == 63) (void)log->SignCheckpoint();
    }
  }
  for (auto _ : state) {
    auto report = VerifyLog(store, signer.verifier(), {"bench.vakt/audit", 4096, state.range(1) != 0});
    if (!report.ok()) state.SkipWithError(report.status().message().c_str());
    benchmark::DoNotOptimize(report);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
// Second argument: 1 = full record parse and canonical check, 0 = fast seq/time scan.
BENCHMARK(BM_VerifyLog)
    ->Args({kMillion, 1})
    ->Args({kMillion, 0})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(2);

}  // namespace
}  // namespace vakt::audit

BENCHMARK_MAIN();
