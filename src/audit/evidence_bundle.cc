#include "audit/evidence_bundle.h"

#include "audit/audit_record.h"
#include "audit/checkpoint.h"

namespace vakt::audit {
namespace {

Result<std::string> StringField(const nlohmann::json& object, const char* key,
                                const std::string& where) {
  auto found = object.find(key);
  if (found == object.end() || !found->is_string()) {
    return Status::InvalidArgument(where + ": " + key + " must be a string");
  }
  return found->get<std::string>();
}

Status VerifyRecord(const nlohmann::json& item, size_t position, std::uint64_t& previous_seq,
                    const IncidentAuditSubjects& subjects, const Checkpoint& checkpoint) {
  const std::string where = "record #" + std::to_string(position);
  if (!item.is_object()) return Status::InvalidArgument(where + " is not an object");
  auto seq_field = item.find("seq");
  if (seq_field == item.end() || !seq_field->is_number_unsigned()) {
    return Status::InvalidArgument(where + ": seq must be a non-negative integer");
  }
  const std::uint64_t seq = seq_field->get<std::uint64_t>();
  const std::string name = where + " (seq " + std::to_string(seq) + ")";
  VAKT_ASSIGN_OR_RETURN(std::string data, StringField(item, "record", name));
  VAKT_ASSIGN_OR_RETURN(std::string leaf_hex, StringField(item, "leaf_hash", name));
  auto proof_field = item.find("inclusion_proof");
  if (proof_field == item.end() || !proof_field->is_array()) {
    return Status::InvalidArgument(name + ": inclusion_proof must be an array");
  }
  if (position > 0 && seq <= previous_seq) {
    return Status::Corruption(name + ": seq does not increase");
  }
  previous_seq = seq;
  auto record = ParseAuditRecord(data);
  if (!record.ok()) return Status::Corruption(name + ": " + record.status().message());
  if (record->seq != seq) {
    return Status::Corruption(name + ": the record says seq " + std::to_string(record->seq));
  }
  if (!BelongsToIncident(subjects, record->event.subject)) {
    return Status::Corruption(name + ": subject " + record->event.subject +
                              " is not this incident's");
  }
  const Hash leaf_hash = HashLeaf(data);
  if (HashToHex(leaf_hash) != leaf_hex) {
    return Status::Corruption(name + ": record bytes do not hash to leaf_hash");
  }
  std::vector<Hash> proof;
  for (const auto& element : *proof_field) {
    if (!element.is_string()) return Status::InvalidArgument(name + ": proof element not a string");
    auto hash = HashFromHex(element.get<std::string>());
    if (!hash.ok()) return Status::Corruption(name + ": proof element: " + hash.status().message());
    proof.push_back(*hash);
  }
  Status included = VerifyInclusion(seq, checkpoint.size, leaf_hash, proof, checkpoint.root);
  if (!included.ok()) {
    return Status::Corruption(name + ": not included in the checkpoint: " + included.message());
  }
  return Status::Ok();
}

}  // namespace

IncidentAuditSubjects SubjectsOfIncident(const std::string& incident_key) {
  return {"incident/" + incident_key, "step/" + incident_key + "/"};
}

bool BelongsToIncident(const IncidentAuditSubjects& subjects, const std::string& subject) {
  return subject == subjects.subject || subject.starts_with(subjects.step_prefix);
}

Result<nlohmann::json> BuildEvidenceBundle(AuditLog& log, const NoteVerifier& public_key,
                                           const std::string& incident_key,
                                           std::span<const AuditLeaf> leaves) {
  const IncidentAuditSubjects subjects = SubjectsOfIncident(incident_key);
  // The leaves were read before this call, so the checkpoint (after a catch-up) covers them.
  VAKT_ASSIGN_OR_RETURN(std::string note, log.CurrentCheckpoint());
  VAKT_ASSIGN_OR_RETURN(Checkpoint checkpoint, OpenCheckpoint(note, public_key));
  nlohmann::json records = nlohmann::json::array();
  for (const AuditLeaf& leaf : leaves) {
    const std::string name = "audit leaf seq " + std::to_string(leaf.seq);
    if (HashLeaf(leaf.data) != leaf.leaf_hash) {
      return Status::Corruption(name + ": record bytes do not match the stored leaf hash");
    }
    auto record = ParseAuditRecord(leaf.data);
    if (!record.ok()) return Status::Corruption(name + ": " + record.status().message());
    if (!BelongsToIncident(subjects, record->event.subject)) {
      return Status::InvalidArgument(name + " is not a record of " + incident_key);
    }
    VAKT_ASSIGN_OR_RETURN(std::vector<Hash> proof, log.InclusionProof(leaf.seq, checkpoint.size));
    nlohmann::json proof_hex = nlohmann::json::array();
    for (const Hash& hash : proof) proof_hex.push_back(HashToHex(hash));
    records.push_back({{"seq", leaf.seq},
                       {"record", leaf.data},
                       {"leaf_hash", HashToHex(leaf.leaf_hash)},
                       {"inclusion_proof", std::move(proof_hex)}});
  }
  return nlohmann::json{{"format", kEvidenceBundleFormat},
                        {"incident", incident_key},
                        {"public_key", public_key.VerifierKey()},
                        {"checkpoint", note},
                        {"records", std::move(records)}};
}

Result<BundleReport> VerifyEvidenceBundle(const nlohmann::json& bundle,
                                          const NoteVerifier* trusted_key) {
  if (!bundle.is_object()) return Status::InvalidArgument("bundle is not a JSON object");
  VAKT_ASSIGN_OR_RETURN(std::string format, StringField(bundle, "format", "bundle"));
  if (format != kEvidenceBundleFormat) {
    return Status::InvalidArgument("bundle format \"" + format + "\" is not " +
                                   kEvidenceBundleFormat);
  }
  VAKT_ASSIGN_OR_RETURN(std::string incident, StringField(bundle, "incident", "bundle"));
  VAKT_ASSIGN_OR_RETURN(std::string key_text, StringField(bundle, "public_key", "bundle"));
  VAKT_ASSIGN_OR_RETURN(std::string note, StringField(bundle, "checkpoint", "bundle"));
  auto records = bundle.find("records");
  if (records == bundle.end() || !records->is_array()) {
    return Status::InvalidArgument("bundle: records must be an array");
  }
  auto key = NoteVerifier::FromVerifierKey(key_text);
  if (!key.ok()) return Status::Corruption("bundle public_key: " + key.status().message());
  if (trusted_key != nullptr && trusted_key->VerifierKey() != key->VerifierKey()) {
    return Status::Corruption("bundle public_key is not the trusted key " +
                              trusted_key->VerifierKey());
  }
  auto checkpoint = OpenCheckpoint(note, *key);
  if (!checkpoint.ok()) return Status::Corruption("checkpoint: " + checkpoint.status().message());
  const IncidentAuditSubjects subjects = SubjectsOfIncident(incident);
  std::uint64_t previous_seq = 0;
  for (size_t position = 0; position < records->size(); ++position) {
    VAKT_RETURN_IF_ERROR(
        VerifyRecord((*records)[position], position, previous_seq, subjects, *checkpoint));
  }
  return BundleReport{incident, records->size(), checkpoint->size, key->VerifierKey()};
}

}  // namespace vakt::audit
