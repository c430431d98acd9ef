#include "api/audit_routes.h"

#include <charconv>

#include "api/guarded.h"
#include "audit/audit_record.h"
#include "audit/checkpoint.h"
#include "audit/evidence_bundle.h"
#include "audit/log_verifier.h"
#include "common/time_format.h"
#include "model/incident.h"
#include "storage/sql_audit_append.h"

namespace vakt::api {
namespace {

constexpr size_t kMaxRecordsPage = 1000;
constexpr size_t kMaxQueryValues = 16;
constexpr size_t kMaxSubjectBytes = 512;
constexpr size_t kMaxBundleRecords = 100'000;

// UintParam reads a required or optional non-negative integer query parameter.
Result<std::optional<std::uint64_t>> UintParam(const Request& request, const std::string& name) {
  auto text = request.Query(name);
  if (!text) return std::optional<std::uint64_t>();
  std::uint64_t value = 0;
  auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (text->empty() || error != std::errc() || end != text->data() + text->size()) {
    return Status::InvalidArgument(name + ": must be a non-negative integer");
  }
  return std::optional<std::uint64_t>(value);
}

Result<std::uint64_t> RequiredUint(const Request& request, const std::string& name) {
  VAKT_ASSIGN_OR_RETURN(auto value, UintParam(request, name));
  if (!value) return Status::InvalidArgument(name + ": required");
  return *value;
}

Result<std::vector<std::string>> SubjectParams(const Request& request, const std::string& name) {
  std::vector<std::string> values = request.QueryAll(name);
  if (values.size() > kMaxQueryValues) {
    return Status::InvalidArgument(name + ": at most " + std::to_string(kMaxQueryValues) +
                                   " values");
  }
  for (const auto& value : values) {
    if (value.empty() || value.size() > kMaxSubjectBytes) {
      return Status::InvalidArgument(name + ": must be 1 to " + std::to_string(kMaxSubjectBytes) +
                                     " bytes");
    }
  }
  return values;
}

Result<nlohmann::json> RecordJson(const audit::AuditLeaf& leaf) {
  auto record = audit::ParseAuditRecord(leaf.data);
  if (!record.ok()) {
    return Status::Corruption("audit leaf seq " + std::to_string(leaf.seq) + ": " +
                              record.status().message());
  }
  nlohmann::json item = {{"seq", leaf.seq},
                         {"time", FormatRfc3339(record->time)},
                         {"actor", record->event.actor},
                         {"action", record->event.action},
                         {"subject", record->event.subject},
                         {"details", record->event.details},
                         {"leaf_hash", audit::HashToHex(leaf.leaf_hash)}};
  if (!record->event.digest.empty()) item["digest"] = record->event.digest;
  return item;
}

nlohmann::json HexList(const std::vector<audit::Hash>& hashes) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& hash : hashes) list.push_back(audit::HashToHex(hash));
  return list;
}

Response Records(const AuditRoutesContext& context, const Request& request) {
  storage::AuditRecordQuery query;
  auto subjects = SubjectParams(request, "subject");
  if (!subjects.ok()) return ProblemResponse(subjects.status());
  auto prefixes = SubjectParams(request, "subject_prefix");
  if (!prefixes.ok()) return ProblemResponse(prefixes.status());
  query.subjects = std::move(*subjects);
  query.subject_prefixes = std::move(*prefixes);
  auto after = UintParam(request, "after");
  if (!after.ok()) return ProblemResponse(after.status());
  query.after = *after;
  auto limit = UintParam(request, "limit");
  if (!limit.ok()) return ProblemResponse(limit.status());
  if (*limit) {
    if (**limit == 0 || **limit > kMaxRecordsPage) {
      return ProblemResponse(400, "limit: must be from 1 to " + std::to_string(kMaxRecordsPage));
    }
    query.limit = **limit;
  }
  auto leaves = context.store->FindRecords(query);
  if (!leaves.ok()) return ProblemResponse(leaves.status());
  nlohmann::json records = nlohmann::json::array();
  for (const auto& leaf : *leaves) {
    auto item = RecordJson(leaf);
    if (!item.ok()) return ProblemResponse(item.status());
    records.push_back(std::move(*item));
  }
  nlohmann::json body = {{"records", std::move(records)}};
  body["next_after"] = leaves->size() == query.limit && !leaves->empty()
                           ? nlohmann::json(leaves->back().seq)
                           : nlohmann::json(nullptr);
  return JsonResponse(200, body);
}

Response Checkpoint(const AuditRoutesContext& context) {
  auto note = context.log->CurrentCheckpoint();
  if (!note.ok()) return ProblemResponse(note.status());
  auto opened = audit::OpenCheckpoint(*note, *context.public_key);
  if (!opened.ok()) return ProblemResponse(opened.status());
  return JsonResponse(200, {{"checkpoint", *note},
                            {"origin", opened->origin},
                            {"size", opened->size},
                            {"root_hash", audit::HashToHex(opened->root)},
                            {"public_key", context.public_key->VerifierKey()}});
}

Response InclusionProof(const AuditRoutesContext& context, const Request& request) {
  auto index = RequiredUint(request, "index");
  if (!index.ok()) return ProblemResponse(index.status());
  auto size = RequiredUint(request, "size");
  if (!size.ok()) return ProblemResponse(size.status());
  if (*index >= *size) return ProblemResponse(400, "index: must be below size");
  auto proof = context.log->InclusionProof(*index, *size);
  if (!proof.ok()) return ProblemResponse(proof.status().WithContext("size"));
  auto root = context.log->RootAt(*size);
  if (!root.ok()) return ProblemResponse(root.status());
  auto leaf = context.store->ReadLeaf(*index);
  if (!leaf.ok()) return ProblemResponse(leaf.status());
  return JsonResponse(200, {{"index", *index},
                            {"size", *size},
                            {"leaf_hash", audit::HashToHex(leaf->leaf_hash)},
                            {"root_hash", audit::HashToHex(*root)},
                            {"proof", HexList(*proof)}});
}

Response ConsistencyProof(const AuditRoutesContext& context, const Request& request) {
  auto from = RequiredUint(request, "from");
  if (!from.ok()) return ProblemResponse(from.status());
  auto to = RequiredUint(request, "to");
  if (!to.ok()) return ProblemResponse(to.status());
  if (*from == 0 || *from > *to) return ProblemResponse(400, "from: must be from 1 to `to`");
  auto proof = context.log->ConsistencyProof(*from, *to);
  if (!proof.ok()) return ProblemResponse(proof.status().WithContext("to"));
  auto old_root = context.log->RootAt(*from);
  if (!old_root.ok()) return ProblemResponse(old_root.status());
  auto new_root = context.log->RootAt(*to);
  if (!new_root.ok()) return ProblemResponse(new_root.status());
  return JsonResponse(200, {{"from", *from},
                            {"to", *to},
                            {"old_root_hash", audit::HashToHex(*old_root)},
                            {"new_root_hash", audit::HashToHex(*new_root)},
                            {"proof", HexList(*proof)}});
}

Response Verify(const AuditRoutesContext& context, const std::string& actor) {
  audit::VerifyOptions options;
  options.origin = context.origin;
  auto report = audit::VerifyLog(*context.store, *context.public_key, options);
  nlohmann::json body;
  if (report.ok()) {
    body = {{"valid", true},
            {"size", report->size},
            {"root_hash", audit::HashToHex(report->root)},
            {"checkpoints", report->checkpoints},
            {"last_checkpoint_size", report->last_checkpoint_size}};
  } else if (report.status().code() == StatusCode::kCorruption) {
    body = {{"valid", false}, {"error", report.status().message()}};
  } else {
    return ProblemResponse(report.status());
  }
  // Who checked the log, and what they found, is itself on the record.
  audit::AuditEvent event{
      actor, "audit.verify", "audit/" + context.origin, {{"valid", body["valid"]}}, ""};
  auto recorded = storage::RecordAuditEvent(*context.database, event, context.clock->NowMs());
  if (!recorded.ok()) return ProblemResponse(recorded.status());
  return JsonResponse(200, body);
}

Response Bundle(const AuditRoutesContext& context, const Request& request,
                const std::string& actor) {
  auto id = ParseIncidentKey(request.path_params.at(0));
  if (!id) return ProblemResponse(400, "id: must look like INC-42");
  const std::string key = "INC-" + std::to_string(*id);
  const audit::IncidentAuditSubjects subjects = audit::SubjectsOfIncident(key);
  storage::AuditRecordQuery query;
  query.subjects = {subjects.subject};
  query.subject_prefixes = {subjects.step_prefix};
  query.limit = 1;
  auto any = context.store->FindRecords(query);
  if (!any.ok()) return ProblemResponse(any.status());
  if (any->empty()) return ProblemResponse(404, "no audit records for incident " + key);
  // Record the export before reading, so the bundle carries the record of its own making.
  audit::AuditEvent event{actor, "audit.bundle_export", subjects.subject, {}, ""};
  auto recorded = storage::RecordAuditEvent(*context.database, event, context.clock->NowMs());
  if (!recorded.ok()) return ProblemResponse(recorded.status());
  query.limit = kMaxBundleRecords;
  auto leaves = context.store->FindRecords(query);
  if (!leaves.ok()) return ProblemResponse(leaves.status());
  auto bundle = audit::BuildEvidenceBundle(*context.log, *context.public_key, key, *leaves);
  if (!bundle.ok()) return ProblemResponse(bundle.status());
  return JsonResponse(200, *bundle);
}

}  // namespace

void RegisterAuditRoutes(HttpServer& server, const AuditRoutesContext& context) {
  // Guarded: the log names people and actions, so even reading it needs a token.
  auth::TokenService* tokens = context.tokens;
  server.Route(
      "GET", "/api/v1/audit/records", "audit_records",
      Guarded(tokens, auth::Role::kViewer, [context](const Request& request, const std::string&) {
        return Records(context, request);
      }));
  // The issue's name for the same listing; both stay, the records name is already in use.
  server.Route(
      "GET", "/api/v1/audit/entries", "audit_entries",
      Guarded(tokens, auth::Role::kViewer, [context](const Request& request, const std::string&) {
        return Records(context, request);
      }));
  server.Route("GET", "/api/v1/audit/checkpoint", "audit_checkpoint",
               Guarded(tokens, auth::Role::kViewer, [context](const Request&, const std::string&) {
                 return Checkpoint(context);
               }));
  server.Route("GET", "/api/v1/audit/public-key", "audit_public_key", [context](const Request&) {
    return JsonResponse(200, {{"public_key", context.public_key->VerifierKey()},
                              {"name", context.public_key->name()},
                              {"algorithm", "ed25519"}});
  });
  server.Route(
      "GET", "/api/v1/audit/proof/inclusion", "audit_proof_inclusion",
      Guarded(tokens, auth::Role::kViewer, [context](const Request& request, const std::string&) {
        return InclusionProof(context, request);
      }));
  server.Route(
      "GET", "/api/v1/audit/proof/consistency", "audit_proof_consistency",
      Guarded(tokens, auth::Role::kViewer, [context](const Request& request, const std::string&) {
        return ConsistencyProof(context, request);
      }));
  server.Route(
      "POST", "/api/v1/audit/verify", "audit_verify",
      Guarded(tokens, auth::Role::kAdmin, [context](const Request&, const std::string& actor) {
        return Verify(context, actor);
      }));
  server.Route("GET", R"(/api/v1/incidents/([A-Za-z0-9-]+)/audit-bundle)", "incident_audit_bundle",
               Guarded(tokens, auth::Role::kViewer,
                       [context](const Request& request, const std::string& actor) {
                         return Bundle(context, request, actor);
                       }));
}

}  // namespace vakt::api
