#include "audit/log_verifier.h"

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "audit/audit_record.h"
#include "audit/canonical_record_scan.h"
#include "audit/checkpoint.h"
#include "audit/compact_range.h"
#include "common/time_format.h"

namespace vakt::audit {
namespace {

std::string Entry(std::uint64_t seq) { return "entry seq " + std::to_string(seq); }

// ScanSeqAndTime reads the top-level seq and time from canonical record bytes without a JSON
// parse. In canonical form the top-level keys are sorted (..., details, digest, seq, subject,
// time, v), nothing after "seq" is an object, and a `,"` byte pair cannot occur inside a JSON
// string (every quote in a string is escaped), so the last `,"seq":` and `,"time":"` are the
// top-level fields. Returns false when they are absent or malformed.
bool ScanSeqAndTime(std::string_view data, std::uint64_t& seq, TimeMs& time) {
  const size_t seq_at = data.rfind(",\"seq\":");
  const size_t time_at = data.rfind(",\"time\":\"");
  if (seq_at == std::string_view::npos || time_at == std::string_view::npos || time_at < seq_at) {
    return false;
  }
  seq = 0;
  size_t pos = seq_at + 7;
  const size_t digits_start = pos;
  while (pos < data.size() && data[pos] >= '0' && data[pos] <= '9' && pos - digits_start < 19) {
    seq = seq * 10 + static_cast<std::uint64_t>(data[pos] - '0');
    ++pos;
  }
  if (pos == digits_start || pos >= data.size() || data[pos] != ',') return false;
  const size_t time_start = time_at + 9;
  const size_t time_end = data.find('"', time_start);
  if (time_end == std::string_view::npos) return false;
  auto parsed = ParseRfc3339(data.substr(time_start, time_end - time_start));
  if (!parsed.ok()) return false;
  time = *parsed;
  return true;
}

struct OpenedCheckpoint {
  size_t ordinal;  // position in ListCheckpoints(), for messages
  Checkpoint checkpoint;
};

// OpenUnsigned parses a checkpoint note's body without checking its signature.
Result<Checkpoint> OpenUnsigned(std::string_view note, std::string_view expected_origin) {
  const size_t blank = note.find("\n\n");
  if (blank == std::string_view::npos)
    return Status::InvalidArgument("note has no signature block");
  VAKT_ASSIGN_OR_RETURN(Checkpoint checkpoint, ParseCheckpointBody(note.substr(0, blank + 1)));
  if (!expected_origin.empty() && checkpoint.origin != expected_origin) {
    return Status::InvalidArgument("checkpoint origin \"" + checkpoint.origin + "\" is not \"" +
                                   std::string(expected_origin) + "\"");
  }
  return checkpoint;
}

}  // namespace

Result<VerifyReport> VerifyLog(AuditLeafStore& store, const PublicKey& key,
                               const VerifyOptions& options) {
  return VerifyLog(store, &key, options);
}

Result<VerifyReport> VerifyLog(AuditLeafStore& store, const PublicKey* key,
                               const VerifyOptions& options) {
  VAKT_ASSIGN_OR_RETURN(std::vector<StoredCheckpoint> stored, store.ListCheckpoints());
  std::multimap<std::uint64_t, OpenedCheckpoint> by_size;
  std::uint64_t last_checkpoint_size = 0;
  for (size_t pos = 0; pos < stored.size(); ++pos) {
    const std::string name = "checkpoint #" + std::to_string(pos);
    auto opened = key != nullptr ? OpenCheckpoint(stored[pos].note, *key, options.origin)
                                 : OpenUnsigned(stored[pos].note, options.origin);
    if (!opened.ok()) return Status::Corruption(name + ": " + opened.status().message());
    if (opened->size != stored[pos].size) {
      return Status::Corruption(name + ": signed size " + std::to_string(opened->size) +
                                " differs from stored size " + std::to_string(stored[pos].size));
    }
    if (opened->size < last_checkpoint_size) {
      return Status::Corruption(name + ": size " + std::to_string(opened->size) +
                                " is below the earlier checkpoint size " +
                                std::to_string(last_checkpoint_size));
    }
    last_checkpoint_size = opened->size;
    by_size.emplace(opened->size, OpenedCheckpoint{pos, *opened});
  }

  VAKT_ASSIGN_OR_RETURN(std::uint64_t size, store.Size());
  CompactRange tree;
  TimeMs last_time = 0;
  std::uint64_t verified_through = 0;  // largest checkpoint size whose root matched
  auto check_checkpoints_at = [&](std::uint64_t at) -> Status {
    auto range = by_size.equal_range(at);
    if (range.first == range.second) return Status::Ok();
    const Hash root = tree.Root();
    for (auto it = range.first; it != range.second; ++it) {
      if (it->second.checkpoint.root != root) {
        return Status::Corruption(
            "checkpoint #" + std::to_string(it->second.ordinal) + " (size " + std::to_string(at) +
            ") root does not match the recomputed root: an entry with seq in [" +
            std::to_string(verified_through) + ", " + std::to_string(at) +
            ") was rewritten together with its stored hash");
      }
    }
    verified_through = at;
    return Status::Ok();
  };
  VAKT_RETURN_IF_ERROR(check_checkpoints_at(0));

  const std::uint64_t batch = std::max<std::uint64_t>(options.batch, 1);
  for (std::uint64_t begin = 0; begin < size; begin += batch) {
    const std::uint64_t end = std::min(size, begin + batch);
    VAKT_ASSIGN_OR_RETURN(std::vector<AuditLeaf> leaves, store.ReadLeaves(begin, end));
    std::uint64_t expected = begin;
    for (const auto& leaf : leaves) {
      if (leaf.seq != expected) {
        if (leaf.seq > expected) {
          return Status::Corruption(Entry(expected) + " is missing (removed); next stored is " +
                                    std::to_string(leaf.seq));
        }
        return Status::Corruption(Entry(leaf.seq) + " is out of order at position " +
                                  std::to_string(expected));
      }
      if (HashLeaf(leaf.data) != leaf.leaf_hash) {
        return Status::Corruption(Entry(expected) +
                                  ": record bytes do not match the stored leaf hash");
      }
      std::uint64_t record_seq = 0;
      TimeMs record_time = 0;
      if (options.full_records) {
        auto fields = ReadRecordFields(leaf.data);
        if (!fields.ok()) {
          return Status::Corruption(Entry(expected) + ": " + fields.status().message());
        }
        record_seq = fields->seq;
        record_time = fields->time;
      } else if (!ScanSeqAndTime(leaf.data, record_seq, record_time)) {
        return Status::Corruption(Entry(expected) + ": record has no readable seq and time");
      }
      if (record_seq != expected) {
        return Status::Corruption(Entry(expected) + ": record says seq " +
                                  std::to_string(record_seq) + " (reordered)");
      }
      if (record_time < last_time) {
        return Status::Corruption(Entry(expected) + ": time goes backwards");
      }
      last_time = record_time;
      tree.Append(leaf.leaf_hash);
      ++expected;
      VAKT_RETURN_IF_ERROR(check_checkpoints_at(expected));
    }
    if (expected != end) {
      return Status::Corruption(Entry(expected) + " is missing (removed)");
    }
  }
  if (size < last_checkpoint_size) {
    return Status::Corruption("rollback: the log has " + std::to_string(size) +
                              " entries but a checkpoint was signed at size " +
                              std::to_string(last_checkpoint_size) + "; " + Entry(size) +
                              " onwards are gone");
  }
  VerifyReport report;
  report.size = size;
  report.root = tree.Root();
  report.checkpoints = stored.size();
  report.last_checkpoint_size = last_checkpoint_size;
  report.signatures_checked = key != nullptr;
  return report;
}

}  // namespace vakt::audit
