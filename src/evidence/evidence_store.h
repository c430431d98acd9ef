#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/status.h"

namespace vakt::evidence {

// EvidenceMetadata says where a captured blob came from.
struct EvidenceMetadata {
  std::string incident_id;
  std::string step_id;
  std::string collector;     // "http", "prometheus", "command", ...
  std::string source;        // URL, query or argv that produced it (never secrets)
  TimeMs time = 0;           // capture time
  std::string content_type;  // e.g. "application/json"
  std::string name;          // the capture source's name in the runbook ("error-ratio")
  std::string created_by;    // who caused the capture ("user:alice", "system")
};

// EvidenceRecord is one stored capture: its metadata plus the blob's hash and size.
struct EvidenceRecord {
  EvidenceMetadata metadata;
  std::string sha256;  // lowercase hex; the blob's address
  std::uint64_t size = 0;
};

// EvidenceStore keeps captured evidence as content-addressed blobs (SHA-256) plus a metadata
// record per capture. Identical content is stored once however often it is captured; each
// capture still gets its own record. Implementations are safe for concurrent use.
class EvidenceStore {
 public:
  virtual ~EvidenceStore() = default;

  // Put stores `bytes` (if not already present) and records `metadata`. Returns the lowercase hex
  // SHA-256 of the bytes. InvalidArgument for a malformed incident id; Internal on I/O failure.
  virtual Result<std::string> Put(std::string_view bytes, const EvidenceMetadata& metadata) = 0;

  // Get returns the blob with hash `sha256`, re-hashing it on the way out. NotFound if absent;
  // Corruption if the stored bytes no longer hash to `sha256`; InvalidArgument for a malformed hash.
  virtual Result<std::string> Get(std::string_view sha256) const = 0;

  // ListByIncident returns the incident's records in capture order (empty if none).
  virtual Result<std::vector<EvidenceRecord>> ListByIncident(std::string_view incident_id) const = 0;
};

// IsValidSha256Hex: 64 lowercase hex digits.
bool IsValidSha256Hex(std::string_view text);
// IsValidIncidentId: 1-128 of [A-Za-z0-9._-], not starting with '.' (it names a file).
bool IsValidIncidentId(std::string_view text);

}  // namespace vakt::evidence
