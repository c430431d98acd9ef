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
  {
    // Open is the first catch-up: every stored leaf hash is recomputed from its bytes.
    std::lock_guard lock(log->mu_);
    VAKT_RETURN_IF_ERROR(log->CatchUpLocked());
  }
  return log;
}

Status AuditLog::CatchUp() {
  std::lock_guard lock(mu_);
  return CatchUpLocked();
}

Status AuditLog::CatchUpLocked() {
  VAKT_ASSIGN_OR_RETURN(std::uint64_t size, store_.Size());
  while (tree_.size() < size) {
    const std::uint64_t begin = tree_.size();
    VAKT_ASSIGN_OR_RETURN(std::vector<AuditLeaf> leaves,
                          store_.ReadLeaves(begin, std::min(size, begin + kLoadBatch)));
    if (leaves.empty() || leaves.front().seq != begin) {
      return Status::Corruption("audit leaf seq " + std::to_string(begin) + " is missing" +
                                (leaves.empty() ? std::string()
                                                : " (next stored is " +
                                                      std::to_string(leaves.front().seq) + ")"));
    }
    for (const auto& leaf : leaves) {
      const std::string entry = "audit leaf seq " + std::to_string(leaf.seq);
      if (leaf.seq != tree_.size()) {
        return Status::Corruption("audit leaf seq " + std::to_string(tree_.size()) +
                                  " is missing (next stored is " + std::to_string(leaf.seq) + ")");
      }
      if (HashLeaf(leaf.data) != leaf.leaf_hash) {
        return Status::Corruption(entry + ": record bytes do not match the stored leaf hash");
      }
      tree_.Append(leaf.leaf_hash);
    }
    // Only the newest record's time matters for the next append; parsing every record is the
    // verifier's job (about 4 µs a leaf, too slow for opening a large log).
    const AuditLeaf& newest = leaves.back();
    auto record = ParseAuditRecord(newest.data);
    if (!record.ok()) {
      return Status::Corruption("audit leaf seq " + std::to_string(newest.seq) + ": " +
                                record.status().message());
    }
    last_time_ = std::max(last_time_, record->time);
  }
  return Status::Ok();
}

Result<std::uint64_t> AuditLog::Append(const AuditEvent& event) {
  return AppendBatch(std::span<const AuditEvent>(&event, 1));
}

Result<std::uint64_t> AuditLog::AppendBatch(std::span<const AuditEvent> events) {
  std::lock_guard lock(mu_);
  VAKT_RETURN_IF_ERROR(CatchUpLocked());
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
  VAKT_RETURN_IF_ERROR(CatchUpLocked());
  return SignCheckpointLocked();
}

Result<std::string> AuditLog::CurrentCheckpoint() {
  std::lock_guard lock(mu_);
  VAKT_RETURN_IF_ERROR(CatchUpLocked());
  auto latest = store_.LatestCheckpoint();
  if (latest.ok() && latest->size >= tree_.size()) return std::move(latest->note);
  if (!latest.ok() && latest.status().code() != StatusCode::kNotFound) return latest.status();
  return SignCheckpointLocked();
}

Result<std::string> AuditLog::SignCheckpointLocked() {
  Checkpoint checkpoint{origin_, tree_.size(), tree_.Root(), {}};
  VAKT_ASSIGN_OR_RETURN(std::string note, audit::SignCheckpoint(checkpoint, signer_));
  VAKT_RETURN_IF_ERROR(store_.AppendCheckpoint({checkpoint.size, clock_.NowMs(), note}));
  return note;
}

Result<std::vector<Hash>> AuditLog::InclusionProof(std::uint64_t index,
                                                   std::uint64_t tree_size) {
  std::lock_guard lock(mu_);
  if (tree_size > tree_.size()) VAKT_RETURN_IF_ERROR(CatchUpLocked());
  return tree_.InclusionProof(index, tree_size);
}

Result<std::vector<Hash>> AuditLog::ConsistencyProof(std::uint64_t old_size,
                                                     std::uint64_t new_size) {
  std::lock_guard lock(mu_);
  if (new_size > tree_.size()) VAKT_RETURN_IF_ERROR(CatchUpLocked());
  return tree_.ConsistencyProof(old_size, new_size);
}

Result<Hash> AuditLog::RootAt(std::uint64_t tree_size) {
  std::lock_guard lock(mu_);
  if (tree_size > tree_.size()) VAKT_RETURN_IF_ERROR(CatchUpLocked());
  return tree_.RootAt(tree_size);
}

}  // namespace vakt::audit
