#pragma once

// An evidence bundle carries one incident's audit records with everything an auditor needs to
// check them offline: an inclusion proof of each record against one signed checkpoint, the
// checkpoint and the log's public key. Format: docs/audit_log_format.md ("Evidence bundles").

#include <cstdint>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <vector>

#include "audit/audit_leaf_store.h"
#include "audit/audit_log.h"
#include "audit/signed_note.h"
#include "common/status.h"

namespace vakt::audit {

inline constexpr char kEvidenceBundleFormat[] = "vakt.audit-bundle.v1";

// IncidentAuditSubjects are the subjects whose records belong to incident `incident_key`
// ("INC-7"): exactly "incident/INC-7", and every subject starting with "step/INC-7/".
struct IncidentAuditSubjects {
  std::string subject;
  std::string step_prefix;
};
IncidentAuditSubjects SubjectsOfIncident(const std::string& incident_key);
bool BelongsToIncident(const IncidentAuditSubjects& subjects, const std::string& subject);

// BuildEvidenceBundle proves `leaves` (the incident's records, ascending seq, read from the
// log's store) against the log's current checkpoint (signing a fresh one if the tree grew) and
// returns the bundle. InvalidArgument if a leaf is not the incident's; Corruption if a leaf's
// bytes do not match its hash; store and signing errors as they are.
Result<nlohmann::json> BuildEvidenceBundle(AuditLog& log, const NoteVerifier& public_key,
                                           const std::string& incident_key,
                                           std::span<const AuditLeaf> leaves);

// BundleReport summarises a bundle that verified.
struct BundleReport {
  std::string incident;
  std::uint64_t records = 0;
  std::uint64_t checkpoint_size = 0;
  std::string public_key;  // the verifier key the checkpoint was checked with
};

// VerifyEvidenceBundle checks a bundle fully offline: the checkpoint's signature by the
// bundle's public key (which must equal `trusted_key` when that is given), and for every record
// that its bytes are a canonical audit record of the bundle's incident with the stated seq, that
// they hash to the stated leaf hash and that the inclusion proof leads from that hash to the
// checkpoint's root. Seqs must strictly increase. Corruption naming the first bad record (by
// its position and seq) or the checkpoint; InvalidArgument for a malformed bundle.
Result<BundleReport> VerifyEvidenceBundle(const nlohmann::json& bundle,
                                          const NoteVerifier* trusted_key = nullptr);

}  // namespace vakt::audit
