#include "audit/incident_export.h"

#include <map>
#include <set>

#include "audit/audit_record.h"
#include "audit/checkpoint.h"
#include "audit/evidence_bundle.h"
#include "audit/tar_archive.h"
#include "common/crypto.h"
#include "common/redact.h"

namespace vakt::audit {
namespace {

constexpr char kEvidencePrefix[] = "evidence/";

nlohmann::json HexList(const std::vector<Hash>& hashes) {
  nlohmann::json list = nlohmann::json::array();
  for (const Hash& hash : hashes) list.push_back(HashToHex(hash));
  return list;
}

// Bad names the member at fault; names come from the archive, so they are escaped for printing.
Status Bad(const std::string& member, const std::string& why) {
  return Status::Corruption(PrintableForMessage(member, 1024) + ": " + why);
}

Result<nlohmann::json> ParseMemberJson(const std::string& member, const std::string& bytes) {
  nlohmann::json parsed = nlohmann::json::parse(bytes, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded() || !parsed.is_object()) return Bad(member, "is not a JSON object");
  return parsed;
}

Result<std::vector<Hash>> ParseHashList(const std::string& member, const nlohmann::json& list) {
  if (!list.is_array()) return Bad(member, "proof must be an array");
  std::vector<Hash> out;
  for (const auto& element : list) {
    if (!element.is_string()) return Bad(member, "proof element is not a string");
    auto hash = HashFromHex(element.get<std::string>());
    if (!hash.ok()) return Bad(member, "proof element: " + hash.status().message());
    out.push_back(*hash);
  }
  return out;
}

}  // namespace

Result<PreparedExport> PrepareIncidentExport(const std::string& incident_key,
                                             const nlohmann::json& incident_record,
                                             const std::vector<ExportEvidence>& evidence,
                                             const NoteVerifier& public_key,
                                             const std::string& exported_by, TimeMs exported_at) {
  PreparedExport prepared;
  prepared.incident = incident_key;
  nlohmann::json items = nlohmann::json::array();
  auto add = [&](std::string name, std::string bytes, const char* kind, nlohmann::json extra) {
    nlohmann::json item = {
        {"name", name}, {"kind", kind}, {"sha256", Sha256Hex(bytes)}, {"size", bytes.size()}};
    if (!extra.is_null()) item["metadata"] = std::move(extra);
    items.push_back(std::move(item));
    prepared.members.emplace_back(std::move(name), std::move(bytes));
  };
  add(kIncidentMember, incident_record.dump(2) + "\n", "record", nullptr);
  std::set<std::string> seen;
  for (const ExportEvidence& item : evidence) {
    if (!IsSha256Hex(item.sha256)) {
      return Status::InvalidArgument("evidence hash '" + item.sha256 + "' is malformed");
    }
    if (Sha256Hex(item.bytes) != item.sha256) {
      return Status::Corruption("evidence " + item.sha256 + ": stored bytes do not hash to it");
    }
    // One blob may be captured several times; it is stored once, with every capture listed.
    if (!seen.insert(item.sha256).second) {
      for (auto& existing : items) {
        if (existing["name"] == kEvidencePrefix + item.sha256) {
          existing["metadata"]["captures"].push_back(item.metadata);
        }
      }
      continue;
    }
    add(kEvidencePrefix + item.sha256, item.bytes, "evidence",
        nlohmann::json{{"captures", nlohmann::json::array({item.metadata})}});
  }
  add(kPublicKeyMember, public_key.VerifierKey() + "\n", "public_key", nullptr);
  nlohmann::json manifest = {
      {"format", kIncidentExportFormat},
      {"incident", incident_key},
      {"exported_by", exported_by},
      {"exported_at_ms", exported_at},
      {"items", std::move(items)},
      {"self_verifying",
       {kRecordsMember, kCheckpointMember, kPreviousCheckpointMember, kConsistencyMember}}};
  prepared.manifest = manifest.dump(2) + "\n";
  prepared.manifest_sha256 = Sha256Hex(prepared.manifest);
  return prepared;
}

Result<std::string> FinishIncidentExport(AuditLog& log, const NoteVerifier& public_key,
                                         const PreparedExport& prepared,
                                         std::span<const AuditLeaf> leaves,
                                         const std::string& previous_note, TimeMs exported_at) {
  VAKT_ASSIGN_OR_RETURN(nlohmann::json bundle,
                        BuildEvidenceBundle(log, public_key, prepared.incident, leaves));
  const std::string latest_note = bundle["checkpoint"].get<std::string>();
  VAKT_ASSIGN_OR_RETURN(Checkpoint latest, OpenCheckpoint(latest_note, public_key));
  std::string previous = previous_note.empty() ? latest_note : previous_note;
  VAKT_ASSIGN_OR_RETURN(Checkpoint earlier, OpenCheckpoint(previous, public_key));
  if (earlier.size > latest.size) {
    return Status::FailedPrecondition("previous checkpoint is larger than the current one");
  }
  VAKT_ASSIGN_OR_RETURN(std::vector<Hash> consistency,
                        log.ConsistencyProof(earlier.size, latest.size));
  nlohmann::json records = {{"incident", prepared.incident}, {"records", bundle["records"]}};
  nlohmann::json proof = {{"old_size", earlier.size},
                          {"new_size", latest.size},
                          {"old_root_hash", HashToHex(earlier.root)},
                          {"new_root_hash", HashToHex(latest.root)},
                          {"proof", HexList(consistency)}};
  std::vector<TarMember> members;
  members.push_back({kManifestMember, prepared.manifest});
  for (const auto& [name, bytes] : prepared.members) members.push_back({name, bytes});
  members.push_back({kRecordsMember, records.dump(2) + "\n"});
  members.push_back({kCheckpointMember, latest_note});
  members.push_back({kPreviousCheckpointMember, previous});
  members.push_back({kConsistencyMember, proof.dump(2) + "\n"});
  return WriteTar(members, exported_at / 1000);
}

Result<ExportReport> VerifyIncidentExport(std::string_view archive,
                                          const NoteVerifier* trusted_key) {
  VAKT_ASSIGN_OR_RETURN(std::vector<TarMember> members, ReadTar(archive));
  std::map<std::string, const std::string*> by_name;
  for (const TarMember& member : members) by_name[member.name] = &member.data;
  for (const char* required : {kManifestMember, kIncidentMember, kPublicKeyMember, kRecordsMember,
                               kCheckpointMember, kPreviousCheckpointMember, kConsistencyMember}) {
    if (!by_name.contains(required)) return Bad(required, "missing from the archive");
  }
  ExportReport report;

  // The key, then both checkpoints: a damaged key verifies neither, a damaged note only itself.
  std::string key_text = *by_name[kPublicKeyMember];
  if (!key_text.empty() && key_text.back() == '\n') key_text.pop_back();
  auto key = NoteVerifier::FromVerifierKey(key_text);
  if (!key.ok()) return Bad(kPublicKeyMember, key.status().message());
  if (trusted_key != nullptr && trusted_key->VerifierKey() != key->VerifierKey()) {
    return Bad(kPublicKeyMember, "is not the trusted key " + trusted_key->VerifierKey());
  }
  report.public_key = key->VerifierKey();
  auto latest = OpenCheckpoint(*by_name[kCheckpointMember], *key);
  auto previous = OpenCheckpoint(*by_name[kPreviousCheckpointMember], *key);
  if (!latest.ok() && !previous.ok()) {
    return Bad(kPublicKeyMember, "verifies neither checkpoint (" + latest.status().message() + ")");
  }
  if (!latest.ok()) return Bad(kCheckpointMember, latest.status().message());
  if (!previous.ok()) return Bad(kPreviousCheckpointMember, previous.status().message());
  if (latest->origin != previous->origin) {
    return Bad(kPreviousCheckpointMember,
               "names log " + previous->origin + ", not " + latest->origin);
  }

  // The previous checkpoint's tree must be a prefix of the latest one's.
  VAKT_ASSIGN_OR_RETURN(nlohmann::json consistency,
                        ParseMemberJson(kConsistencyMember, *by_name[kConsistencyMember]));
  auto old_size = consistency.find("old_size");
  auto new_size = consistency.find("new_size");
  if (old_size == consistency.end() || !old_size->is_number_unsigned() ||
      new_size == consistency.end() || !new_size->is_number_unsigned() ||
      old_size->get<std::uint64_t>() != previous->size ||
      new_size->get<std::uint64_t>() != latest->size) {
    return Bad(kConsistencyMember, "sizes do not match the two checkpoints");
  }
  for (const char* root_field : {"old_root_hash", "new_root_hash"}) {
    auto field = consistency.find(root_field);
    const Hash& expected =
        std::string_view(root_field) == "old_root_hash" ? previous->root : latest->root;
    if (field == consistency.end() || !field->is_string() ||
        field->get<std::string>() != HashToHex(expected)) {
      return Bad(kConsistencyMember, std::string(root_field) + " is not the checkpoint's root");
    }
  }
  auto proof_field = consistency.find("proof");
  if (proof_field == consistency.end()) return Bad(kConsistencyMember, "proof is missing");
  VAKT_ASSIGN_OR_RETURN(std::vector<Hash> proof, ParseHashList(kConsistencyMember, *proof_field));
  if (Status consistent =
          VerifyConsistency(previous->size, latest->size, proof, previous->root, latest->root);
      !consistent.ok()) {
    return Bad(kConsistencyMember, consistent.message());
  }
  report.checkpoint_size = latest->size;
  report.previous_checkpoint_size = previous->size;

  // Every audit record: canonical, the incident's, hashed and included in the latest checkpoint.
  VAKT_ASSIGN_OR_RETURN(nlohmann::json records,
                        ParseMemberJson(kRecordsMember, *by_name[kRecordsMember]));
  auto incident_field = records.find("incident");
  if (incident_field == records.end() || !incident_field->is_string()) {
    return Bad(kRecordsMember, "incident must be a string");
  }
  report.incident = incident_field->get<std::string>();
  nlohmann::json bundle = {
      {"format", kEvidenceBundleFormat},
      {"incident", report.incident},
      {"public_key", key->VerifierKey()},
      {"checkpoint", *by_name[kCheckpointMember]},
      {"records", records.contains("records") ? records["records"] : nlohmann::json()}};
  auto bundle_report = VerifyEvidenceBundle(bundle, &*key);
  if (!bundle_report.ok()) return Bad(kRecordsMember, bundle_report.status().message());
  report.records = bundle_report->records;

  // The digests the log vouches for: the export's manifest and each captured blob.
  const std::string manifest_sha256 = Sha256Hex(*by_name[kManifestMember]);
  bool manifest_recorded = false;
  std::set<std::string> captured;
  for (const auto& item : bundle["records"]) {
    auto record = ParseAuditRecord(item["record"].get<std::string>());
    if (!record.ok()) return Bad(kRecordsMember, record.status().message());
    if (record->event.action == kIncidentExportAction && record->event.digest == manifest_sha256) {
      manifest_recorded = true;
    }
    if (record->event.action == "evidence.capture") captured.insert(record->event.digest);
  }
  if (!manifest_recorded) {
    return Bad(kManifestMember, "its SHA-256 " + manifest_sha256 +
                                    " is not the digest of any incident.export record in the log");
  }
  VAKT_ASSIGN_OR_RETURN(nlohmann::json manifest,
                        ParseMemberJson(kManifestMember, *by_name[kManifestMember]));
  if (manifest.value("format", "") != kIncidentExportFormat ||
      manifest.value("incident", "") != report.incident) {
    return Bad(kManifestMember, "is not an export manifest of " + report.incident);
  }
  auto items = manifest.find("items");
  if (items == manifest.end() || !items->is_array()) return Bad(kManifestMember, "items missing");
  std::set<std::string> listed = {kManifestMember, kRecordsMember, kCheckpointMember,
                                  kPreviousCheckpointMember, kConsistencyMember};
  for (const auto& item : *items) {
    if (!item.is_object() || !item.contains("name") || !item["name"].is_string() ||
        !item.contains("sha256") || !item["sha256"].is_string()) {
      return Bad(kManifestMember, "an item lacks name or sha256");
    }
    const std::string name = item["name"].get<std::string>();
    const std::string sha256 = item["sha256"].get<std::string>();
    listed.insert(name);
    auto member = by_name.find(name);
    if (member == by_name.end()) return Bad(name, "listed in the manifest but missing");
    if (Sha256Hex(*member->second) != sha256) {
      return Bad(name, "content does not match its SHA-256 in the manifest (modified)");
    }
    if (name.starts_with(kEvidencePrefix)) {
      const std::string address = name.substr(sizeof(kEvidencePrefix) - 1);
      if (address != sha256) return Bad(name, "is not named by its SHA-256");
      if (!captured.contains(sha256)) {
        return Bad(name, "has no evidence.capture record in the incident's audit log");
      }
      ++report.evidence;
    }
  }
  for (const TarMember& member : members) {
    if (!listed.contains(member.name)) return Bad(member.name, "is not listed in the manifest");
  }
  return report;
}

}  // namespace vakt::audit
