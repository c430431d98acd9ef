#include "retro/retro_service.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <cctype>

#include "common/time_format.h"
#include "retro/timeline.h"

namespace vakt::retro {
namespace {

constexpr size_t kMaxTextBytes = 8000;
constexpr size_t kMaxShortBytes = 200;
constexpr size_t kMaxFactors = 50;

Result<std::string> StringField(const nlohmann::json& body, const char* key, size_t max_bytes,
                                bool required) {
  auto found = body.find(key);
  if (found == body.end() || found->is_null()) {
    if (required) return Status::InvalidArgument(std::string(key) + ": is required");
    return std::string();
  }
  if (!found->is_string()) return Status::InvalidArgument(std::string(key) + ": must be a string");
  std::string value = found->get<std::string>();
  if (value.size() > max_bytes) {
    return Status::InvalidArgument(fmt::format("{}: at most {} bytes", key, max_bytes));
  }
  if (required && value.empty())
    return Status::InvalidArgument(std::string(key) + ": must not be empty");
  return value;
}

Status RequireObject(const nlohmann::json& body) {
  if (!body.is_object()) return Status::InvalidArgument("body: must be a JSON object");
  return Status::Ok();
}

// IsDate accepts YYYY-MM-DD with a month 01–12 and a day 01–31.
bool IsDate(const std::string& text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  for (size_t index : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (text[index] < '0' || text[index] > '9') return false;
  }
  int month = std::stoi(text.substr(5, 2));
  int day = std::stoi(text.substr(8, 2));
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

// IsStepId accepts runbook step ids: a letter or digit, then letters, digits, '.', '_', '-'.
bool IsStepId(const std::string& text) {
  if (text.empty() || text.size() > 128 || !std::isalnum(static_cast<unsigned char>(text[0])))
    return false;
  for (char ch : text) {
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '.' && ch != '_' && ch != '-')
      return false;
  }
  return true;
}

std::string Minutes(const nlohmann::json& ms) {
  if (!ms.is_number_integer()) return "not reached";
  std::int64_t seconds = ms.get<std::int64_t>() / 1000;
  return fmt::format("{}m {:02}s", seconds / 60, seconds % 60);
}

}  // namespace

RetroService::RetroService(storage::IncidentStore& incidents, storage::SqlRetroStore& retros,
                           storage::SqlDiagnosisStore* diagnoses, const Clock& clock,
                           RetroOptions options)
    : incidents_(incidents),
      retros_(retros),
      diagnoses_(diagnoses),
      clock_(clock),
      options_(std::move(options)) {}

Result<storage::StoredRetro> RetroService::OpenFor(std::int64_t incident_id,
                                                   const std::string& actor,
                                                   Incident* incident_out) {
  VAKT_ASSIGN_OR_RETURN(Incident incident, incidents_.GetIncident(incident_id));
  if (incident_out != nullptr) *incident_out = incident;
  auto existing = retros_.Get(incident_id);
  if (existing.ok()) return existing;
  if (existing.status().code() != StatusCode::kNotFound) return existing.status();
  if (incident.resolved_at == 0) {
    return Status::FailedPrecondition(incident.Key() +
                                      " has not resolved yet; its retro opens when it resolves");
  }
  return retros_.Open(incident_id, actor, clock_.NowMs());
}

Result<storage::StoredRetro> RetroService::OpenAtResolve(std::int64_t incident_id,
                                                         const std::string& trigger) {
  VAKT_ASSIGN_OR_RETURN(auto leaves,
                        retros_.IncidentAuditTrail(incident_id, options_.max_timeline_entries));
  std::vector<AuditEntry> entries;
  entries.reserve(leaves.size());
  for (auto& leaf : leaves) {
    entries.push_back({leaf.seq, leaf.time, leaf.action, leaf.subject, std::move(leaf.data)});
  }
  nlohmann::json timeline = TimelineToJson(BuildTimeline(std::move(entries)));
  // The audit record carries the generated timeline's outline (phases in order and durations),
  // so the log shows what the retro opened with; the entries themselves are the log already.
  nlohmann::json phases = nlohmann::json::array();
  for (const auto& entry : timeline["entries"]) phases.push_back(entry["phase"]);
  nlohmann::json details = {{"trigger", trigger},
                            {"timeline",
                             {{"entries", timeline["entries"].size()},
                              {"phases", phases},
                              {"durations_ms", timeline["durations_ms"]}}}};
  return retros_.Open(incident_id, "system:retro", clock_.NowMs(), details);
}

void RetroService::OnAction(const Incident& incident, incident::IncidentAction action) {
  if (action != incident::IncidentAction::kResolve || incident.resolved_at == 0) return;
  auto opened = OpenAtResolve(incident.id, "resolve");
  if (!opened.ok()) {
    spdlog::warn("retro of {} not opened at resolve (retried later): {}", incident.Key(),
                 opened.status().ToString());
  }
}

Result<int> RetroService::OpenPending(size_t limit) {
  VAKT_ASSIGN_OR_RETURN(auto ids, retros_.ListResolvedWithoutRetro(limit));
  int opened = 0;
  for (std::int64_t id : ids) {
    VAKT_RETURN_IF_ERROR(OpenAtResolve(id, "catch-up").status());
    ++opened;
  }
  return opened;
}

Result<nlohmann::json> RetroService::View(std::int64_t incident_id, const std::string& actor) {
  Incident incident;
  VAKT_ASSIGN_OR_RETURN(storage::StoredRetro retro, OpenFor(incident_id, actor, &incident));
  VAKT_ASSIGN_OR_RETURN(auto leaves,
                        retros_.IncidentAuditTrail(incident_id, options_.max_timeline_entries));
  std::vector<AuditEntry> entries;
  entries.reserve(leaves.size());
  for (auto& leaf : leaves) {
    entries.push_back({leaf.seq, leaf.time, leaf.action, leaf.subject, std::move(leaf.data)});
  }
  Timeline timeline = BuildTimeline(std::move(entries));
  nlohmann::json suggested = nullptr;
  if (diagnoses_ != nullptr) {
    auto diagnosis = diagnoses_->Latest(incident_id);
    if (diagnosis.ok()) {
      suggested = {{"category", diagnosis->verdict},
                   {"score", diagnosis->score},
                   {"diagnosed_at", diagnosis->created_at},
                   {"by", diagnosis->actor}};
    } else if (diagnosis.status().code() != StatusCode::kNotFound) {
      return diagnosis.status();
    }
  }
  VAKT_ASSIGN_OR_RETURN(auto annotations, retros_.ListAnnotations(incident_id));
  VAKT_ASSIGN_OR_RETURN(auto items, retros_.ListActionItems(incident_id));
  nlohmann::json annotation_list = nlohmann::json::array();
  for (const auto& annotation : annotations) {
    annotation_list.push_back({{"id", annotation.id},
                               {"step", annotation.step_id},
                               {"kind", annotation.kind},
                               {"text", annotation.text},
                               {"author", annotation.author},
                               {"created_at", annotation.created_at}});
  }
  nlohmann::json item_list = nlohmann::json::array();
  for (const auto& item : items) {
    item_list.push_back({{"id", item.id},
                         {"title", item.title},
                         {"owner", item.owner},
                         {"due_date", item.due_date},
                         {"status", item.status},
                         {"created_by", item.created_by}});
  }
  std::string category = retro.root_cause_category;
  return nlohmann::json{{"incident",
                         {{"id", incident.Key()},
                          {"title", incident.title},
                          {"severity", incident.severity},
                          {"state", IncidentStateName(incident.state)},
                          {"pipeline", incident.pipeline},
                          {"drill", incident.drill},
                          {"runbook",
                           {{"id", incident.runbook_id},
                            {"version", incident.runbook_version},
                            {"content_hash", incident.runbook_hash}}}}},
                        {"state", retro.state},
                        {"opened_at", retro.opened_at},
                        {"completed_at", retro.completed_at > 0 ? nlohmann::json(retro.completed_at)
                                                                : nlohmann::json(nullptr)},
                        {"completed_by", retro.completed_by},
                        {"summary", retro.summary},
                        {"root_cause_category", category},
                        {"suggested_root_cause", suggested},
                        {"contributing_factors", retro.contributing_factors},
                        {"required_to_close", options_.required_for.contains(incident.severity)},
                        {"timeline", TimelineToJson(timeline)},
                        {"annotations", annotation_list},
                        {"action_items", item_list}};
}

Result<nlohmann::json> RetroService::Update(std::int64_t incident_id, const nlohmann::json& body,
                                            const std::string& actor) {
  VAKT_RETURN_IF_ERROR(RequireObject(body));
  for (const auto& [key, value] : body.items()) {
    if (key != "summary" && key != "root_cause_category" && key != "contributing_factors") {
      return Status::InvalidArgument(key +
                                     ": unknown field (summary, root_cause_category, "
                                     "contributing_factors)");
    }
  }
  VAKT_ASSIGN_OR_RETURN(storage::StoredRetro retro, OpenFor(incident_id, actor, nullptr));
  if (body.contains("summary")) {
    VAKT_ASSIGN_OR_RETURN(retro.summary, StringField(body, "summary", kMaxTextBytes, false));
  }
  if (body.contains("root_cause_category")) {
    VAKT_ASSIGN_OR_RETURN(retro.root_cause_category,
                          StringField(body, "root_cause_category", kMaxShortBytes, false));
  }
  if (body.contains("contributing_factors")) {
    const auto& factors = body["contributing_factors"];
    if (!factors.is_array() || factors.size() > kMaxFactors) {
      return Status::InvalidArgument(
          fmt::format("contributing_factors: must be an array of at most {} strings", kMaxFactors));
    }
    retro.contributing_factors.clear();
    for (const auto& factor : factors) {
      if (!factor.is_string() || factor.get<std::string>().empty() ||
          factor.get<std::string>().size() > kMaxShortBytes * 5) {
        return Status::InvalidArgument(
            "contributing_factors: each must be a non-empty string of at most 1000 bytes");
      }
      retro.contributing_factors.push_back(factor.get<std::string>());
    }
  }
  VAKT_RETURN_IF_ERROR(retros_.Update(retro, actor, clock_.NowMs()).status());
  return View(incident_id, actor);
}

Result<nlohmann::json> RetroService::AddActionItem(std::int64_t incident_id,
                                                   const nlohmann::json& body,
                                                   const std::string& actor) {
  VAKT_RETURN_IF_ERROR(RequireObject(body));
  storage::RetroActionItem item;
  item.incident_id = incident_id;
  item.created_by = actor;
  VAKT_ASSIGN_OR_RETURN(item.title, StringField(body, "title", kMaxShortBytes * 2, true));
  VAKT_ASSIGN_OR_RETURN(item.owner, StringField(body, "owner", kMaxShortBytes, true));
  VAKT_ASSIGN_OR_RETURN(item.due_date, StringField(body, "due_date", 10, true));
  if (!IsDate(item.due_date)) {
    return Status::InvalidArgument("due_date: must be a date YYYY-MM-DD");
  }
  VAKT_ASSIGN_OR_RETURN(storage::StoredRetro retro, OpenFor(incident_id, actor, nullptr));
  if (retro.state == "completed") {
    return Status::FailedPrecondition("the retro of INC-" + std::to_string(incident_id) +
                                      " is completed");
  }
  VAKT_ASSIGN_OR_RETURN(auto stored, retros_.AddActionItem(item, clock_.NowMs()));
  return nlohmann::json{{"id", stored.id},         {"title", stored.title},
                        {"owner", stored.owner},   {"due_date", stored.due_date},
                        {"status", stored.status}, {"created_by", stored.created_by}};
}

Result<nlohmann::json> RetroService::Annotate(std::int64_t incident_id, const std::string& step_id,
                                              const nlohmann::json& body,
                                              const std::string& actor) {
  VAKT_RETURN_IF_ERROR(RequireObject(body));
  if (!IsStepId(step_id)) return Status::InvalidArgument("step: not a step id");
  storage::StepAnnotation annotation;
  annotation.incident_id = incident_id;
  annotation.step_id = step_id;
  annotation.author = actor;
  VAKT_ASSIGN_OR_RETURN(annotation.kind, StringField(body, "kind", 16, true));
  if (annotation.kind != "wrong" && annotation.kind != "missing" && annotation.kind != "slow" &&
      annotation.kind != "unclear") {
    return Status::InvalidArgument("kind: must be wrong, missing, slow or unclear");
  }
  VAKT_ASSIGN_OR_RETURN(annotation.text, StringField(body, "text", kMaxTextBytes, false));
  VAKT_RETURN_IF_ERROR(incidents_.GetIncident(incident_id).status());
  VAKT_ASSIGN_OR_RETURN(auto stored, retros_.AddAnnotation(annotation, clock_.NowMs()));
  return nlohmann::json{{"id", stored.id},
                        {"incident", "INC-" + std::to_string(incident_id)},
                        {"step", stored.step_id},
                        {"kind", stored.kind},
                        {"text", stored.text},
                        {"author", stored.author},
                        {"created_at", stored.created_at}};
}

Result<nlohmann::json> RetroService::Complete(std::int64_t incident_id, const std::string& actor) {
  VAKT_ASSIGN_OR_RETURN(storage::StoredRetro retro, OpenFor(incident_id, actor, nullptr));
  if (retro.root_cause_category.empty()) {
    return Status::FailedPrecondition(
        "root_cause_category: set it (PUT …/retro) before completing the retro");
  }
  VAKT_RETURN_IF_ERROR(retros_.Complete(incident_id, actor, clock_.NowMs()).status());
  return View(incident_id, actor);
}

Result<std::string> RetroService::Markdown(std::int64_t incident_id, const std::string& actor) {
  VAKT_ASSIGN_OR_RETURN(nlohmann::json view, View(incident_id, actor));
  const auto& incident = view["incident"];
  std::string out = fmt::format("# Retro: {} — {}\n\n", incident["id"].get<std::string>(),
                                incident["title"].get<std::string>());
  if (incident["drill"].get<bool>()) out += "**[DRILL]** This incident was a drill.\n\n";
  out += fmt::format(
      "- Severity: {}\n- Pipeline: {}\n- Runbook: {} v{} (sha256 {})\n- Retro: {}\n\n",
      incident["severity"].get<std::string>(), incident["pipeline"].get<std::string>(),
      incident["runbook"]["id"].get<std::string>(),
      incident["runbook"]["version"].get<std::string>(),
      incident["runbook"]["content_hash"].get<std::string>(), view["state"].get<std::string>());
  const auto& durations = view["timeline"]["durations_ms"];
  out += "## Response\n\n| milestone | time from detection |\n| --- | --- |\n";
  out += "| acknowledged | " + Minutes(durations["to_acknowledge"]) + " |\n";
  out += "| mitigated | " + Minutes(durations["to_mitigate"]) + " |\n";
  out += "| resolved | " + Minutes(durations["to_resolve"]) + " |\n\n";
  out += "## Summary\n\n" +
         (view["summary"].get<std::string>().empty() ? std::string("(none yet)")
                                                     : view["summary"].get<std::string>()) +
         "\n\n";
  out += "## Root cause\n\n" +
         (view["root_cause_category"].get<std::string>().empty()
              ? std::string("(not set)")
              : view["root_cause_category"].get<std::string>()) +
         "\n";
  if (view["suggested_root_cause"].is_object()) {
    out +=
        "\nTriage suggested: " + view["suggested_root_cause"]["category"].get<std::string>() + "\n";
  }
  out += "\n## Contributing factors\n\n";
  if (view["contributing_factors"].empty()) out += "(none)\n";
  for (const auto& factor : view["contributing_factors"])
    out += "- " + factor.get<std::string>() + "\n";
  out += "\n## Timeline\n\n| time (UTC) | phase | actor | what |\n| --- | --- | --- | --- |\n";
  for (const auto& entry : view["timeline"]["entries"]) {
    std::string what = entry["action"].get<std::string>();
    if (!entry["detail"].get<std::string>().empty())
      what += ": " + entry["detail"].get<std::string>();
    for (char& ch : what)
      if (ch == '|' || ch == '\n') ch = ' ';
    out += fmt::format("| {} | {} | {} | {} |\n", FormatRfc3339(entry["time"].get<TimeMs>()),
                       entry["phase"].get<std::string>(), entry["actor"].get<std::string>(), what);
  }
  out += "\n## Step annotations\n\n";
  if (view["annotations"].empty()) out += "(none)\n";
  for (const auto& annotation : view["annotations"]) {
    out +=
        fmt::format("- `{}` {} ({}): {}\n", annotation["step"].get<std::string>(),
                    annotation["kind"].get<std::string>(), annotation["author"].get<std::string>(),
                    annotation["text"].get<std::string>());
  }
  out += "\n## Action items\n\n";
  if (view["action_items"].empty()) out += "(none)\n";
  for (const auto& item : view["action_items"]) {
    out += fmt::format("- [{}] {} — owner {}, due {}\n", item["status"] == "done" ? "x" : " ",
                       item["title"].get<std::string>(), item["owner"].get<std::string>(),
                       item["due_date"].get<std::string>());
  }
  return out;
}

Status RetroService::GuardAction(const Incident& incident, incident::IncidentAction action) {
  if (action != incident::IncidentAction::kClose) return Status::Ok();
  if (!options_.required_for.contains(incident.severity)) return Status::Ok();
  auto retro = retros_.Get(incident.id);
  if (retro.ok() && retro->state == "completed") return Status::Ok();
  if (!retro.ok() && retro.status().code() != StatusCode::kNotFound) return retro.status();
  return Status::FailedPrecondition(
      fmt::format("{} is {}: its retro must be completed before it can close (POST "
                  "/api/v1/incidents/{}/retro/complete)",
                  incident.Key(), incident.severity, incident.Key()));
}

}  // namespace vakt::retro
