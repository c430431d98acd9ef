#pragma once

// An incident export is a POSIX tar an auditor checks with no access to vakt
// (docs/audit_log_format.md, "Incident export archives"). Members:
//   manifest.json                 every record and evidence item with its SHA-256 and size
//   incident.json                 the incident record (state, events, steps) as the API shows it
//   evidence/<sha256>             each evidence blob, named by its own SHA-256
//   public-key.txt                the log's signed-note verifier key
//   audit/records.json            the incident's audit leaves, each with an inclusion proof
//   audit/checkpoint.txt          the signed checkpoint those proofs lead to (the latest)
//   audit/previous-checkpoint.txt the checkpoint signed before the export (or the same one)
//   audit/consistency-proof.json  proof that the previous checkpoint's tree is a prefix of the
//   latest
// Anchoring: the server records an `incident.export` audit leaf whose digest is the SHA-256 of
// manifest.json before it builds the proofs, so the manifest (and through it every member it
// lists) is covered by the signed checkpoint; each evidence blob is also tied to its
// `evidence.capture` record by digest. The audit/* members verify themselves through proofs
// and signatures.

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

inline constexpr char kIncidentExportFormat[] = "vakt.incident-export.v1";
inline constexpr char kIncidentExportAction[] = "incident.export";
inline constexpr char kManifestMember[] = "manifest.json";
inline constexpr char kIncidentMember[] = "incident.json";
inline constexpr char kPublicKeyMember[] = "public-key.txt";
inline constexpr char kRecordsMember[] = "audit/records.json";
inline constexpr char kCheckpointMember[] = "audit/checkpoint.txt";
inline constexpr char kPreviousCheckpointMember[] = "audit/previous-checkpoint.txt";
inline constexpr char kConsistencyMember[] = "audit/consistency-proof.json";

struct ExportEvidence {
  std::string sha256;       // lowercase hex, the blob's address
  nlohmann::json metadata;  // capture metadata as the API shows it
  std::string bytes;
};

// PreparedExport is the part of an export fixed before the export is recorded in the log.
struct PreparedExport {
  std::string incident;
  std::string manifest;         // manifest.json bytes
  std::string manifest_sha256;  // the digest of the incident.export record
  std::vector<std::pair<std::string, std::string>> members;  // name, bytes (not audit/*)
};

// PrepareIncidentExport renders incident.json, the evidence members, public-key.txt and the
// manifest. InvalidArgument for a malformed evidence hash or bytes that do not hash to it.
Result<PreparedExport> PrepareIncidentExport(const std::string& incident_key,
                                             const nlohmann::json& incident_record,
                                             const std::vector<ExportEvidence>& evidence,
                                             const NoteVerifier& public_key,
                                             const std::string& exported_by, TimeMs exported_at);

// FinishIncidentExport proves `leaves` (the incident's audit leaves, read after the export was
// recorded) against the log's current checkpoint, adds the previous stored checkpoint
// (`previous_note`; empty: use the current one) with a consistency proof, and writes the tar.
Result<std::string> FinishIncidentExport(AuditLog& log, const NoteVerifier& public_key,
                                         const PreparedExport& prepared,
                                         std::span<const AuditLeaf> leaves,
                                         const std::string& previous_note, TimeMs exported_at);

// ExportReport summarises an archive that verified.
struct ExportReport {
  std::string incident;
  std::uint64_t records = 0;
  std::uint64_t evidence = 0;
  std::uint64_t checkpoint_size = 0;
  std::uint64_t previous_checkpoint_size = 0;
  std::string public_key;
};

// VerifyIncidentExport checks an archive fully offline. Corruption whose message starts with
// the name of the offending member (e.g. "evidence/3fa…: ..." or "audit/records.json: record #2
// (seq 17): ...") for anything that does not verify; InvalidArgument for an archive that is not a
// well-formed tar (truncated, garbage). `trusted_key`, when given, must equal public-key.txt.
Result<ExportReport> VerifyIncidentExport(std::string_view archive,
                                          const NoteVerifier* trusted_key = nullptr);

}  // namespace vakt::audit
