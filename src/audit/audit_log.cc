#include "audit/audit_log.h"

#include <algorithm>
#include <utility>

namespace vakt::audit {
namespace {
constexpr std::uint64_t kLoadBatch = 4096;
}  // namespace

AuditLog::AuditLog(AuditLeafStore& store, const Clock& clock, const NoteSigner& signer,
                   std::string origin)
    : store_(store), clock_(clock), signer_(signer), origin_(std::move(origin)) {}

Result<std::unique_ptr<AuditLog>> AuditLog::Open(AuditLeafStore& store, const Clock& clock,
                                                 const NoteSigner& signer, std::string origin) {
  if (origin.empty() || origin.find('\n') != std::string::npos) {
    return Status::InvalidArgument("audit log origin must be one non-empty line");
  }
  std::unique_ptr<AuditLog> log(new AuditLog(store, clock, signer, std::move(origin)));
  VAKT_ASSIGN_OR_RETURN(std::uint64_t size, store.Size());
  for (std::uint64_t begin = 0; begin < size; begin += kLoadBatch) {
    VAKT_ASSIGN_OR_RETURN(std::vector<AuditLeaf> leaves,
                          store.ReadLeaves(begin, std::min(size, begin + kLoadBatch)));
    for (const auto& leaf : leaves) {
      if (leaf.seq != log->tree_.size()) {
        return Status::Corruption("audit leaf seq " + std::to_string(log->tree_.size()) +
                                  " is missing (next stored is " + std::to_string(leaf.seq) + ")");
      }
      log->tree_.Append(leaf.leaf_hash);
    }
  }
  if (log->tree_.size() != size) {
    return Status::Corruption("audit store reports " + std::to_string(size) + " leaves but holds " +
                              std::to_string(log->tree_.size()));
  }
  if (size > 0) {
    VAKT_ASSIGN_OR_RETURN(AuditLeaf last, store.ReadLeaf(size - 1));
    auto record = ParseAuditRecord(last.data);
    if (record.ok()) log->last_time_ = record->time;
  }
  return log;
}

Result<std::uint64_t> AuditLog::Append(const AuditEvent& event) {
  return AppendBatch(std::span<const AuditEvent>(&event, 1));
}

Result<std::uint64_t> AuditLog::AppendBatch(std::span<const AuditEvent> events) {
  std::lock_guard lock(mu_);
  const std::uint64_t first = tree_.size();
  // The log's time never goes backwards even if the wall clock does; seq is the true order.
  const TimeMs now = std::max(clock_.NowMs(), last_time_);
  std::vector<AuditLeaf> leaves;
  leaves.reserve(events.size());
  for (size_t pos = 0; pos < events.size(); ++pos) {
    AuditRecord record{first + pos, now, events[pos]};
    VAKT_ASSIGN_OR_RETURN(std::string data, CanonicalAuditJson(record));
    AuditLeaf leaf{record.seq, std::move(data), {}};
    leaf.leaf_hash = HashLeaf(leaf.data);
    leaves.push_back(std::move(leaf));
  }
  VAKT_RETURN_IF_ERROR(store_.AppendLeaves(leaves));
  for (const auto& leaf : leaves) tree_.Append(leaf.leaf_hash);
  last_time_ = now;
  return first;
}

std::uint64_t AuditLog::size() const {
  std::lock_guard lock(mu_);
  return tree_.size();
}

Hash AuditLog::Root() const {
  std::lock_guard lock(mu_);
  return tree_.Root();
}

Result<std::string> AuditLog::SignCheckpoint() {
  std::lock_guard lock(mu_);
  Checkpoint checkpoint{origin_, tree_.size(), tree_.Root(), {}};
  VAKT_ASSIGN_OR_RETURN(std::string note, audit::SignCheckpoint(checkpoint, signer_));
  VAKT_RETURN_IF_ERROR(store_.AppendCheckpoint({checkpoint.size, clock_.NowMs(), note}));
  return note;
}

Result<std::vector<Hash>> AuditLog::InclusionProof(std::uint64_t index,
                                                   std::uint64_t tree_size) const {
  std::lock_guard lock(mu_);
  return tree_.InclusionProof(index, tree_size);
}

Result<std::vector<Hash>> AuditLog::ConsistencyProof(std::uint64_t old_size,
                                                     std::uint64_t new_size) const {
  std::lock_guard lock(mu_);
  return tree_.ConsistencyProof(old_size, new_size);
}

Result<Hash> AuditLog::RootAt(std::uint64_t tree_size) const {
  std::lock_guard lock(mu_);
  return tree_.RootAt(tree_size);
}

}  // namespace vakt::audit
