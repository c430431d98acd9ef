#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/status.h"
#include "evidence/file_evidence_store.h"
#include "evidence/retention.h"
#include "storage/database.h"

namespace vakt::storage {

// SetEvidenceRetentionClass records (as an `evidence.retention_set` audit record) the retention
// class of the incident's capture(s) of blob `sha256`. InvalidArgument for an unknown class, an
// empty reason or a malformed hash; NotFound when the incident never captured that blob.
// Returns the record's seq.
Result<std::uint64_t> SetEvidenceRetentionClass(Database& database, const std::string& incident_id,
                                                const std::string& sha256,
                                                const std::string& retention_class,
                                                const evidence::RetentionClasses& classes,
                                                const std::string& actor, const std::string& reason,
                                                TimeMs now);

// SetEvidenceLegalHold places (hold=true) or releases a legal hold on all of an incident's
// evidence, as an `evidence.legal_hold` audit record. InvalidArgument for a malformed incident
// id or an empty reason. Returns the record's seq.
Result<std::uint64_t> SetEvidenceLegalHold(Database& database, const std::string& incident_id,
                                           bool hold, const std::string& actor,
                                           const std::string& reason, TimeMs now);

// IncidentRetention is what the audit log says about one incident's evidence, read the way the
// sweep reads it: the latest recorded class per blob (absent = "standard") and whether the
// incident is under legal hold (the latest evidence.legal_hold record).
struct IncidentRetention {
  std::map<std::string, std::string> class_of;  // sha256 -> class
  bool legal_hold = false;
};

// ReadIncidentRetention returns the incident's recorded classes and hold (for listing evidence).
Result<IncidentRetention> ReadIncidentRetention(Database& database, const std::string& incident_id);

// BlobRetentionView is one blob the sweep kept, and why.
struct BlobRetentionView {
  std::string sha256;
  bool purged = false;  // an evidence.purge record exists
  evidence::PurgeDecision decision;
};

struct RetentionSweepReport {
  std::vector<std::string> purged;      // blobs deleted by this sweep
  std::vector<BlobRetentionView> kept;  // with the reason
};

// SweepEvidenceRetention deletes every blob DecidePurge allows (evidence/retention.h) and
// records an `evidence.purge` audit record (digest = the blob) for each incident that captured
// it. The legal-hold check is repeated inside the write transaction that appends the purge
// records, after taking the audit append lock, so a hold recorded at any point before that
// transaction keeps the blob; the file is deleted only then. Metadata rows stay (the record that
// evidence existed is kept; its bytes are gone, Get answers NotFound). Idempotent: a purge
// interrupted after the delete is completed (records appended) by the next sweep.
Result<RetentionSweepReport> SweepEvidenceRetention(Database& database,
                                                    evidence::FileEvidenceStore& blobs,
                                                    const evidence::RetentionClasses& classes,
                                                    const std::string& actor, TimeMs now);

}  // namespace vakt::storage
