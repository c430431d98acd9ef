#include "evidence/in_memory_evidence_store.h"

#include "common/crypto.h"

namespace vakt::evidence {

Result<std::string> InMemoryEvidenceStore::Put(std::string_view bytes,
                                               const EvidenceMetadata& metadata) {
  if (!IsValidIncidentId(metadata.incident_id)) {
    return Status::InvalidArgument("bad incident id '" + metadata.incident_id + "'");
  }
  std::string sha256 = Sha256Hex(bytes);
  std::lock_guard<std::mutex> lock(mu_);
  blobs_[sha256] = std::string(bytes);  // (re)writing repairs a corrupted copy, as on disk
  records_[metadata.incident_id].push_back({metadata, sha256, bytes.size()});
  return sha256;
}

Result<std::string> InMemoryEvidenceStore::Get(std::string_view sha256) const {
  if (!IsValidSha256Hex(sha256)) {
    return Status::InvalidArgument("'" + std::string(sha256) + "' is not a SHA-256 hex digest");
  }
  std::lock_guard<std::mutex> lock(mu_);
  auto found = blobs_.find(sha256);
  if (found == blobs_.end()) return Status::NotFound("no evidence blob " + std::string(sha256));
  if (Sha256Hex(found->second) != sha256) {
    return Status::Corruption("evidence blob " + std::string(sha256) +
                              " does not match its hash");
  }
  return found->second;
}

Result<std::vector<EvidenceRecord>> InMemoryEvidenceStore::ListByIncident(
    std::string_view incident_id) const {
  if (!IsValidIncidentId(incident_id)) {
    return Status::InvalidArgument("bad incident id '" + std::string(incident_id) + "'");
  }
  std::lock_guard<std::mutex> lock(mu_);
  auto found = records_.find(incident_id);
  if (found == records_.end()) return std::vector<EvidenceRecord>{};
  return found->second;
}

size_t InMemoryEvidenceStore::BlobCount() const {
  std::lock_guard<std::mutex> lock(mu_);
  return blobs_.size();
}

bool InMemoryEvidenceStore::CorruptForTest(const std::string& sha256) {
  std::lock_guard<std::mutex> lock(mu_);
  auto found = blobs_.find(sha256);
  if (found == blobs_.end() || found->second.empty()) return false;
  found->second[0] = static_cast<char>(found->second[0] ^ 0x01);
  return true;
}

}  // namespace vakt::evidence
