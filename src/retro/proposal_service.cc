#include "retro/proposal_service.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

#include "retro/line_diff.h"
#include "retro/runbook_patch.h"
#include "runbook/lint.h"
#include "runbook/loader.h"

namespace vakt::retro {
namespace {

constexpr size_t kMaxYamlBytes = 256 * 1024;
constexpr size_t kMaxMessageBytes = 4000;

std::shared_ptr<const runbook::Runbook> CurrentRunbook(const incident::Routing& routing,
                                                       const std::string& id) {
  if (!routing.matcher) return nullptr;
  for (const auto& runbook : routing.matcher->runbooks().runbooks()) {
    if (runbook->id() == id) return runbook;
  }
  return nullptr;
}

// WriteFileAtomically writes `content` to a temporary file beside `path`, syncs it and renames it
// over `path`, so a reader (or a crash) sees the old file or the new one, never a mix.
Status WriteFileAtomically(const std::string& path, const std::string& content) {
  std::string temp = path + ".vakt-tmp";
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    if (!out) return Status::Unavailable("cannot write " + temp);
    out << content;
    out.flush();
    if (!out) return Status::Unavailable("cannot write " + temp);
  }
  FILE* file = std::fopen(temp.c_str(), "rb");
  if (file != nullptr) {
    ::fsync(fileno(file));
    std::fclose(file);
  }
  if (std::rename(temp.c_str(), path.c_str()) != 0) {
    std::remove(temp.c_str());
    return Status::Unavailable("cannot replace " + path);
  }
  return Status::Ok();
}

}  // namespace

nlohmann::json ProposalToJson(const storage::RunbookProposal& proposal, bool with_content) {
  nlohmann::json body = {
      {"id", proposal.id},
      {"runbook_id", proposal.runbook_id},
      {"incident", proposal.incident_id > 0
                       ? nlohmann::json("INC-" + std::to_string(proposal.incident_id))
                       : nlohmann::json(nullptr)},
      {"origin", proposal.origin},
      {"author", proposal.author},
      {"message", proposal.message},
      {"base_hash", proposal.base_hash},
      {"state", proposal.state},
      {"reviewer", proposal.reviewer},
      {"review_comment", proposal.review_comment},
      {"created_at", proposal.created_at},
      {"reviewed_at", proposal.reviewed_at},
      {"applied_at", proposal.applied_at},
      {"applied_version", proposal.applied_version > 0 ? nlohmann::json(proposal.applied_version)
                                                       : nlohmann::json(nullptr)}};
  if (with_content) {
    body["patch"] = nlohmann::json::parse(proposal.patch, nullptr, false);
    body["proposed_content"] = proposal.proposed_content;
  }
  return body;
}

ProposalService::ProposalService(incident::IncidentService& incidents,
                                 storage::SqlRetroProposalStore& store, const Clock& clock,
                                 Reload reload)
    : incidents_(incidents), store_(store), clock_(clock), reload_(std::move(reload)) {}

Result<nlohmann::json> ProposalService::Create(const std::string& runbook_id,
                                               const nlohmann::json& body,
                                               const std::string& actor) {
  if (!body.is_object()) return Status::InvalidArgument("body: must be a JSON object");
  for (const auto& [key, value] : body.items()) {
    if (key != "message" && key != "patch" && key != "yaml" && key != "incident" &&
        key != "origin") {
      return Status::InvalidArgument(key +
                                     ": unknown field (message, patch, yaml, incident, origin)");
    }
  }
  incident::Routing routing = incidents_.routing();
  auto current = CurrentRunbook(routing, runbook_id);
  if (!current) return Status::NotFound("no runbook " + runbook_id);
  storage::RunbookProposal draft;
  draft.runbook_id = runbook_id;
  draft.author = actor;
  draft.base_hash = current->content_hash;
  auto message = body.find("message");
  if (message == body.end() || !message->is_string() || message->get<std::string>().empty() ||
      message->get<std::string>().size() > kMaxMessageBytes) {
    return Status::InvalidArgument(
        fmt::format("message: must be a non-empty string of at most {} bytes", kMaxMessageBytes));
  }
  draft.message = message->get<std::string>();
  if (auto origin = body.find("origin"); origin != body.end() && !origin->is_string()) {
    return Status::InvalidArgument("origin: must be retro, drill or manual");
  }
  bool from_drill = false;
  if (auto incident = body.find("incident"); incident != body.end() && !incident->is_null()) {
    auto id = incident->is_string() ? ParseIncidentKey(incident->get<std::string>()) : std::nullopt;
    if (!id) return Status::InvalidArgument("incident: must be an incident id like INC-7");
    VAKT_ASSIGN_OR_RETURN(Incident linked, incidents_.store().GetIncident(*id));
    draft.incident_id = *id;
    from_drill = linked.drill;
  }
  // A drill's findings feed proposals exactly as a retro's do; the origin says which it was.
  draft.origin = body.value("origin", std::string(draft.incident_id == 0 ? "manual"
                                                  : from_drill           ? "drill"
                                                                         : "retro"));
  if (draft.origin != "retro" && draft.origin != "drill" && draft.origin != "manual") {
    return Status::InvalidArgument("origin: must be retro, drill or manual");
  }
  if (draft.incident_id != 0 && (draft.origin == "drill") != from_drill) {
    return Status::InvalidArgument(from_drill
                                       ? "origin: the incident is a drill; origin must be drill"
                                       : "origin: drill needs a drill incident");
  }
  bool has_patch = body.contains("patch");
  bool has_yaml = body.contains("yaml");
  if (has_patch == has_yaml)
    return Status::InvalidArgument("patch: give exactly one of patch or yaml");
  if (has_patch) {
    VAKT_ASSIGN_OR_RETURN(draft.proposed_content,
                          ApplyRunbookPatch(current->source_text, body["patch"]));
    draft.patch = body["patch"].dump();
  } else {
    if (!body["yaml"].is_string() || body["yaml"].get<std::string>().size() > kMaxYamlBytes) {
      return Status::InvalidArgument(
          fmt::format("yaml: must be a string of at most {} bytes", kMaxYamlBytes));
    }
    draft.proposed_content = body["yaml"].get<std::string>();
    draft.patch = "null";
  }
  // Validate exactly as a reload would: strict schema, then the linter's semantic checks.
  auto parsed = runbook::ParseRunbook(draft.proposed_content, current->source_path);
  if (!parsed.ok())
    return Status::InvalidArgument("proposed runbook: " + parsed.status().message());
  if (parsed->id() != runbook_id) {
    return Status::InvalidArgument("yaml: metadata.id must stay " + runbook_id);
  }
  if (parsed->content_hash == current->content_hash) {
    return Status::InvalidArgument("patch: the proposal changes nothing");
  }
  runbook::LintContext lint_context;
  if (routing.catalog) lint_context.catalog = routing.catalog.get();
  std::vector<runbook::Finding> findings = runbook::LintRunbook(*parsed, lint_context);
  if (!findings.empty()) {
    std::string text = "proposed runbook fails lint:";
    for (const auto& finding : findings) text += "\n" + finding.ToString();
    return Status::InvalidArgument(text);
  }
  VAKT_ASSIGN_OR_RETURN(auto stored, store_.Create(draft, clock_.NowMs()));
  nlohmann::json out = ProposalToJson(stored, true);
  out["diff"] = UnifiedDiff(current->source_text, stored.proposed_content,
                            runbook_id + " (current)", runbook_id + " (proposed)");
  return out;
}

Result<nlohmann::json> ProposalService::Get(std::int64_t id) {
  VAKT_ASSIGN_OR_RETURN(auto proposal, store_.Get(id));
  return ProposalToJson(proposal, true);
}

Result<nlohmann::json> ProposalService::List(const std::string& runbook_id) {
  VAKT_ASSIGN_OR_RETURN(auto proposals, store_.List(runbook_id, 200));
  nlohmann::json items = nlohmann::json::array();
  for (const auto& proposal : proposals) items.push_back(ProposalToJson(proposal, false));
  return nlohmann::json{{"proposals", items}};
}

Result<nlohmann::json> ProposalService::Review(std::int64_t id, const nlohmann::json& body,
                                               const std::string& actor) {
  if (!body.is_object()) return Status::InvalidArgument("body: must be a JSON object");
  std::string decision = body.value("decision", std::string());
  if (decision != "approve" && decision != "reject") {
    return Status::InvalidArgument("decision: must be approve or reject");
  }
  auto comment = body.find("comment");
  std::string text;
  if (comment != body.end() && !comment->is_null()) {
    if (!comment->is_string() || comment->get<std::string>().size() > kMaxMessageBytes) {
      return Status::InvalidArgument("comment: must be a string of at most 4000 bytes");
    }
    text = comment->get<std::string>();
  }
  VAKT_ASSIGN_OR_RETURN(auto reviewed,
                        store_.Review(id, decision == "approve", actor, text, clock_.NowMs()));
  return ProposalToJson(reviewed, false);
}

Result<nlohmann::json> ProposalService::Apply(std::int64_t id, const std::string& actor) {
  std::lock_guard lock(apply_mu_);
  VAKT_ASSIGN_OR_RETURN(auto proposal, store_.Get(id));
  if (proposal.state != "approved") {
    return Status::FailedPrecondition("proposal " + std::to_string(id) + " is " + proposal.state +
                                      "; only an approved proposal can be applied");
  }
  auto current = CurrentRunbook(incidents_.routing(), proposal.runbook_id);
  if (!current) return Status::NotFound("no runbook " + proposal.runbook_id);
  if (current->content_hash != proposal.base_hash) {
    return Status::FailedPrecondition("runbook " + proposal.runbook_id +
                                      " changed since this proposal was made; propose again");
  }
  auto parsed = runbook::ParseRunbook(proposal.proposed_content, current->source_path);
  if (!parsed.ok())
    return Status::InvalidArgument("proposed runbook: " + parsed.status().message());
  VAKT_RETURN_IF_ERROR(WriteFileAtomically(current->source_path, proposal.proposed_content));
  storage::RunbookVersion version;
  version.runbook_id = proposal.runbook_id;
  version.content_hash = parsed->content_hash;
  version.content = proposal.proposed_content;
  version.author = proposal.author;
  version.message = proposal.message;
  version.source = "proposal";
  version.incident_id = proposal.incident_id;
  version.proposal_id = proposal.id;
  auto applied = store_.MarkApplied(id, version, actor, clock_.NowMs());
  if (!applied.ok()) {
    // Put the old file back so disk and history agree; the error is what the caller sees.
    (void)WriteFileAtomically(current->source_path, current->source_text);
    return applied.status();
  }
  nlohmann::json out = ProposalToJson(*applied, false);
  auto reloaded = reload_(actor);
  out["reload"] =
      reloaded.ok() ? *reloaded : nlohmann::json({{"error", reloaded.status().message()}});
  return out;
}

}  // namespace vakt::retro
