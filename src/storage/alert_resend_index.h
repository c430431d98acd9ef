#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <unordered_map>

#include "model/alert.h"

namespace vakt::storage {

// AlertRowState is the part of a stored `alerts` row that a re-send can change without touching
// the label, annotation or text columns, plus a hash of everything else in the row.
struct AlertRowState {
  TimeMs starts_at = 0;
  TimeMs ends_at = 0;
  TimeMs updated_at = 0;
  std::int64_t revision = 0;
  std::int64_t occurrence_rev = 0;
  std::uint64_t content_hash = 0;  // AlertContentHash of the stored row
  std::int64_t row_key = 0;        // the engine's key of the row (SQLite: alerts.arrival)
};

// AlertContentHash hashes the columns a re-send normally repeats unchanged: labels, annotations,
// generator URL, source and dedup key. Two alerts with equal hashes are treated as carrying the
// same content (64-bit hash; a collision would make the store keep the older annotations).
std::uint64_t AlertContentHash(const Alert& alert);

// MergeResend applies AlertStore::UpsertAlerts' merge rule (the SQL in each engine's upsert) to a
// stored row and an incoming alert whose content hash is `incoming_hash`. It returns the merged
// row when the merge leaves every content column as stored (so only times and revisions change),
// and nullopt when content would change: the caller then takes the full upsert.
std::optional<AlertRowState> MergeResend(const AlertRowState& stored, const Alert& incoming,
                                         std::uint64_t incoming_hash);

// AlertResendIndex remembers, per fingerprint, the state of rows this process wrote, so a re-send
// becomes a narrow UPDATE by row key without reading or re-encoding the row. It is a cache of the
// database, never the truth: an entry is only added after the engine reported the row's values,
// and the owner clears it whenever a transaction it was updated in rolls back. Bounded by
// `max_entries` (beyond that, further fingerprints simply take the full upsert). Not thread-safe:
// the store's write mutex guards it.
class AlertResendIndex {
 public:
  explicit AlertResendIndex(std::size_t max_entries = kDefaultMaxEntries)
      : max_entries_(max_entries) {}

  // About 80 bytes per entry: 1M entries cost ~80 MiB, more than the whole server at 100k alerts.
  static constexpr std::size_t kDefaultMaxEntries = 1'000'000;

  const AlertRowState* Find(std::uint64_t fingerprint) const;
  void Put(std::uint64_t fingerprint, const AlertRowState& state);
  void Erase(std::uint64_t fingerprint) { rows_.erase(fingerprint); }
  void Clear() { rows_.clear(); }
  std::size_t size() const { return rows_.size(); }

 private:
  std::size_t max_entries_;
  std::unordered_map<std::uint64_t, AlertRowState> rows_;
};

}  // namespace vakt::storage
