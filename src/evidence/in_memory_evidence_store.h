#pragma once

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "evidence/evidence_store.h"

namespace vakt::evidence {

// InMemoryEvidenceStore is an EvidenceStore in maps, for tests and dry runs. It verifies hashes on
// Get like the file store, so corruption tests can run against it. Safe for concurrent use.
class InMemoryEvidenceStore final : public EvidenceStore {
 public:
  Result<std::string> Put(std::string_view bytes, const EvidenceMetadata& metadata) override;
  Result<std::string> Get(std::string_view sha256) const override;
  Result<std::vector<EvidenceRecord>> ListByIncident(std::string_view incident_id) const override;

  // BlobCount is the number of distinct blobs held.
  size_t BlobCount() const;
  // CorruptForTest flips the first byte of a stored blob. False if absent or empty.
  bool CorruptForTest(const std::string& sha256);

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::string, std::less<>> blobs_;  // guarded by mu_
  std::map<std::string, std::vector<EvidenceRecord>, std::less<>> records_;  // guarded by mu_
};

}  // namespace vakt::evidence
