#pragma once

#include <string>
#include <vector>

#include "evidence/evidence_store.h"
#include "evidence/file_evidence_store.h"
#include "storage/database.h"

namespace vakt::storage {

// SqlEvidenceStore is the EvidenceStore vakt serves: blob bytes content-addressed in a
// FileEvidenceStore (DATA_DIR/evidence), one metadata row per capture in the `evidence` table
// (schema/step_schema.cc), written in the same transaction as its `evidence.capture` audit
// record. The blob is written (and fsynced) before the row, so a listed record always has its
// bytes. Thread-safe.
class SqlEvidenceStore final : public evidence::EvidenceStore {
 public:
  SqlEvidenceStore(Database& database, evidence::FileEvidenceStore& blobs)
      : database_(database), blobs_(blobs) {}

  Result<std::string> Put(std::string_view bytes,
                          const evidence::EvidenceMetadata& metadata) override;
  Result<std::string> Get(std::string_view sha256) const override;
  Result<std::vector<evidence::EvidenceRecord>> ListByIncident(
      std::string_view incident_id) const override;
  // FindBySha256 returns the capture records of a blob (any incident); empty if never captured.
  Result<std::vector<evidence::EvidenceRecord>> FindBySha256(std::string_view sha256) const;
  // blobs is the content-addressed byte store (the retention sweep deletes from it).
  evidence::FileEvidenceStore& blobs() { return blobs_; }

 private:
  Database& database_;
  evidence::FileEvidenceStore& blobs_;
};

}  // namespace vakt::storage
