#include "api/regulatory_routes.h"

#include <algorithm>

#include "api/guarded.h"
#include "audit/audit_record.h"
#include "catalog/catalog.h"
#include "common/json_parse.h"
#include "common/time_format.h"
#include "compliance/awareness.h"
#include "compliance/incident_regimes.h"
#include "compliance/report_draft.h"
#include "storage/sql_audit_append.h"

namespace vakt::api {
namespace {

constexpr size_t kMaxIncidentRecords = 100'000;

// LoadedIncident is what every regulatory route starts from: the incident and its clock input.
struct LoadedIncident {
  Incident incident;
  compliance::IncidentRegulatoryInput input;
  std::optional<compliance::AwarenessChange> awareness;  // latest recorded; none: opened_at
};

std::string Subject(const Incident& incident) { return "incident/" + incident.Key(); }

Result<Incident> FindIncident(const RegulatoryRoutesContext& context, const Request& request) {
  auto id = ParseIncidentKey(request.path_params.at(0));
  if (!id) return Status::InvalidArgument("id: must look like INC-42");
  return context.incidents->store().GetIncident(*id);
}

Result<LoadedIncident> LoadIncident(const RegulatoryRoutesContext& context, Incident incident) {
  LoadedIncident loaded;
  loaded.incident = std::move(incident);
  loaded.input.became_aware_at = loaded.incident.created_at;
  auto routing = context.incidents->routing();
  const catalog::Pipeline* pipeline =
      routing.catalog ? routing.catalog->FindPipeline(loaded.incident.pipeline) : nullptr;
  if (pipeline != nullptr) {
    for (const auto& entry : pipeline->regulatory) {
      VAKT_ASSIGN_OR_RETURN(compliance::Regime regime,
                            compliance::ParseRegime(catalog::RegimeName(entry.regime)));
      loaded.input.pipeline_regimes.push_back({regime, entry.effective_from});
    }
  }
  storage::AuditRecordQuery query;
  query.subjects = {Subject(loaded.incident)};
  query.limit = kMaxIncidentRecords;
  VAKT_ASSIGN_OR_RETURN(auto leaves, context.audit_store->FindRecords(query));
  for (const auto& leaf : leaves) {
    auto record = audit::ParseAuditRecord(leaf.data);
    if (!record.ok()) return record.status();
    const auto& event = record->event;
    if (event.action == compliance::kClassifiedAction) {
      VAKT_ASSIGN_OR_RETURN(auto classification, compliance::DecodeClassification(
                                                     event.details, record->time, event.actor));
      loaded.input.classifications.push_back(std::move(classification));
    } else if (event.action == compliance::kAwarenessAction) {
      VAKT_ASSIGN_OR_RETURN(
          auto change, compliance::DecodeAwarenessRecord(event.details, record->time, event.actor));
      loaded.input.became_aware_at = change.became_aware_at;
      loaded.awareness = std::move(change);
    } else if (event.action == compliance::kSubmittedAction) {
      VAKT_ASSIGN_OR_RETURN(auto submission,
                            compliance::DecodeSubmission(event.details, record->time));
      loaded.input.submissions.push_back(std::move(submission));
    }
  }
  return loaded;
}

Result<LoadedIncident> Load(const RegulatoryRoutesContext& context, const Request& request) {
  VAKT_ASSIGN_OR_RETURN(Incident incident, FindIncident(context, request));
  return LoadIncident(context, std::move(incident));
}

// State is the coarse view the brief asks for: due, overdue or met.
const char* State(const compliance::Deadline& deadline) {
  switch (deadline.status) {
    case compliance::DeadlineStatus::kSubmitted:
      return "met";
    case compliance::DeadlineStatus::kOverdue:
      return "overdue";
    default:
      return "due";
  }
}

Result<nlohmann::json> ClocksJson(const RegulatoryRoutesContext& context,
                                  const LoadedIncident& loaded) {
  compliance::ClockOptions options;
  options.time_zone = context.time_zone;
  VAKT_ASSIGN_OR_RETURN(auto clocks, compliance::ComputeIncidentClocks(
                                         loaded.input, context.clock->NowMs(), options));
  nlohmann::json list = nlohmann::json::array();
  for (const auto& deadline : clocks.deadlines) {
    const bool assumed = std::find(clocks.assumed.begin(), clocks.assumed.end(), deadline.regime) !=
                         clocks.assumed.end();
    nlohmann::json item = {{"regime", compliance::RegimeName(deadline.regime)},
                           {"obligation", compliance::ReportKindName(deadline.report)},
                           {"due_at", FormatRfc3339(deadline.due_at)},
                           {"state", State(deadline)},
                           {"status", compliance::DeadlineStatusName(deadline.status)},
                           {"provisional", deadline.provisional},
                           {"basis", deadline.basis},
                           {"classification", assumed ? "assumed" : "recorded"},
                           {"submitted_late", deadline.submitted_late}};
    item["submitted_at"] = deadline.submitted_at
                               ? nlohmann::json(FormatRfc3339(*deadline.submitted_at))
                               : nlohmann::json(nullptr);
    list.push_back(std::move(item));
  }
  nlohmann::json regimes = nlohmann::json::array();
  for (const auto& entry : loaded.input.pipeline_regimes) {
    regimes.push_back({{"regime", compliance::RegimeName(entry.regime)},
                       {"effective_from", entry.effective_from}});
  }
  return nlohmann::json{
      {"incident", loaded.incident.Key()},
      {"pipeline", loaded.incident.pipeline},
      {"pipeline_regimes", regimes},
      {"became_aware_at", FormatRfc3339(loaded.input.became_aware_at)},
      {"became_aware",
       loaded.awareness
           ? nlohmann::json{{"source", "recorded"},
                            {"actor", loaded.awareness->actor},
                            {"reason", loaded.awareness->reason},
                            {"recorded_at", FormatRfc3339(loaded.awareness->recorded_at)}}
           : nlohmann::json{{"source", "incident_opened"}}},
      {"time_zone", context.time_zone},
      {"clocks", list}};
}

Response Clocks(const RegulatoryRoutesContext& context, const Request& request) {
  auto loaded = Load(context, request);
  if (!loaded.ok()) return ProblemResponse(loaded.status());
  auto body = ClocksJson(context, *loaded);
  if (!body.ok()) return ProblemResponse(body.status());
  return JsonResponse(200, *body);
}

// IncidentRequest is what every regulatory write starts from: the incident named in the path and
// the request's JSON body.
struct IncidentRequest {
  Incident incident;
  nlohmann::json body;
};

// ReadIncidentRequest finds the path's incident and parses the body (at most `max_depth` deep).
// Errors are the incident lookup's, or the parser's in "body".
Result<IncidentRequest> ReadIncidentRequest(const RegulatoryRoutesContext& context,
                                            const Request& request, size_t max_depth) {
  VAKT_ASSIGN_OR_RETURN(Incident incident, FindIncident(context, request));
  JsonLimits limits;
  limits.max_depth = max_depth;
  auto body = ParseJsonStrict(request.body, limits);
  if (!body.ok()) return body.status().WithContext("body");
  return IncidentRequest{std::move(incident), std::move(*body)};
}

// RecordAndAnswer appends `event` to the audit log and answers `status` with the incident's
// clocks as they stand after it, plus the record's "audit_seq".
Response RecordAndAnswer(const RegulatoryRoutesContext& context, const Request& request,
                         const audit::AuditEvent& event, TimeMs now, int status) {
  auto recorded = storage::RecordAuditEvent(*context.database, event, now);
  if (!recorded.ok()) return ProblemResponse(recorded.status());
  auto loaded = Load(context, request);
  if (!loaded.ok()) return ProblemResponse(loaded.status());
  auto clocks = ClocksJson(context, *loaded);
  if (!clocks.ok()) return ProblemResponse(clocks.status());
  (*clocks)["audit_seq"] = *recorded;
  return JsonResponse(status, *clocks);
}

// Record appends a classification or submission as an audit record of the incident.
Response Record(const RegulatoryRoutesContext& context, const Request& request,
                const std::string& actor, bool submission) {
  auto read = ReadIncidentRequest(context, request, 4);
  if (!read.ok()) return ProblemResponse(read.status());
  const TimeMs now = context.clock->NowMs();
  audit::AuditEvent event{actor, "", Subject(read->incident), {}, ""};
  if (submission) {
    auto decoded = compliance::DecodeSubmission(read->body, now);
    if (!decoded.ok()) return ProblemResponse(decoded.status());
    event.action = compliance::kSubmittedAction;
    event.details = compliance::SubmissionDetails(*decoded);
    event.digest = decoded->content_sha256;
  } else {
    auto decoded = compliance::DecodeClassification(read->body, now, actor);
    if (!decoded.ok()) return ProblemResponse(decoded.status());
    event.action = compliance::kClassifiedAction;
    event.details = compliance::ClassificationDetails(*decoded);
  }
  return RecordAndAnswer(context, request, event, now, 201);
}

// SetAwareness records who set became_aware_at to what and why; the clocks follow from it.
Response SetAwareness(const RegulatoryRoutesContext& context, const Request& request,
                      const std::string& actor) {
  auto read = ReadIncidentRequest(context, request, 2);
  if (!read.ok()) return ProblemResponse(read.status());
  const TimeMs now = context.clock->NowMs();
  auto change = compliance::DecodeAwarenessRequest(read->body, now, actor);
  if (!change.ok()) return ProblemResponse(change.status());
  audit::AuditEvent event{actor, compliance::kAwarenessAction, Subject(read->incident),
                          compliance::AwarenessDetails(*change), ""};
  return RecordAndAnswer(context, request, event, now, 200);
}

compliance::IncidentFacts Facts(const RegulatoryRoutesContext& context, const Incident& incident,
                                TimeMs became_aware_at) {
  compliance::IncidentFacts facts;
  facts.incident_id = incident.Key();
  facts.title = incident.title;
  facts.severity = incident.severity;
  facts.became_aware_at = became_aware_at;
  facts.contact = incident.assignee;
  if (!incident.pipeline.empty()) facts.affected_systems.push_back(incident.pipeline);
  if (auto model = incident.context.find("model");
      model != incident.context.end() && model->is_string() && !model->get<std::string>().empty()) {
    facts.affected_systems.push_back("model " + model->get<std::string>());
  }
  auto events = context.incidents->store().ListEvents(incident.id);
  if (events.ok()) {
    for (const auto& event : *events) {
      std::string what = event.kind;
      if (!event.to_state.empty() && event.to_state != event.from_state)
        what += " → " + event.to_state;
      if (!event.actor.empty()) what += " by " + event.actor;
      if (!event.reason.empty()) what += ": " + event.reason;
      facts.timeline.push_back({event.time, what});
      if (event.kind == "note" && !event.reason.empty()) facts.actions.push_back(event.reason);
    }
  }
  return facts;
}

Response Draft(const RegulatoryRoutesContext& context, const Request& request) {
  auto regime_name = request.Query("regime");
  if (!regime_name) return ProblemResponse(400, "regime: required (eu_ai_act, nis2 or dora)");
  auto regime = compliance::ParseRegime(*regime_name);
  if (!regime.ok()) return ProblemResponse(400, "regime: must be eu_ai_act, nis2 or dora");
  std::optional<compliance::ReportKind> report;
  if (auto report_name = request.Query("report")) {
    auto parsed = compliance::ParseReportKind(*report_name);
    if (!parsed.ok()) return ProblemResponse(parsed.status());
    report = *parsed;
  }
  const std::string format = request.Query("format").value_or("markdown");
  if (format != "markdown" && format != "json") {
    return ProblemResponse(400, "format: must be markdown or json");
  }
  auto loaded = Load(context, request);
  if (!loaded.ok()) return ProblemResponse(loaded.status());
  compliance::ClockOptions options;
  options.time_zone = context.time_zone;
  auto clocks = compliance::ComputeIncidentClocks(loaded->input, context.clock->NowMs(), options);
  if (!clocks.ok()) return ProblemResponse(clocks.status());
  // The requested report, else the regime's first report still outstanding, else its last.
  const compliance::Deadline* chosen = nullptr;
  for (const auto& deadline : clocks->deadlines) {
    if (deadline.regime != *regime || (report && deadline.report != *report)) continue;
    if (chosen == nullptr || (chosen->status == compliance::DeadlineStatus::kSubmitted)) {
      chosen = &deadline;
    }
  }
  if (chosen == nullptr) {
    return ProblemResponse(409, "regime: " + *regime_name + " does not apply to " +
                                    loaded->incident.Key() +
                                    " (not in the pipeline catalogue nor classified)");
  }
  auto draft = compliance::RenderReportDraft(
      Facts(context, loaded->incident, loaded->input.became_aware_at), *chosen);
  if (!draft.ok()) return ProblemResponse(draft.status());
  Response response;
  response.status = 200;
  if (format == "json") {
    response.body = draft->json;
  } else {
    response.content_type = "text/markdown; charset=utf-8";
    response.body = draft->markdown;
  }
  return response;
}

}  // namespace

Result<std::vector<compliance::DeadlineWarning>> DueRegulatoryWarnings(
    const RegulatoryRoutesContext& context, const Incident& incident,
    const compliance::WarningPolicy& policy, TimeMs now) {
  VAKT_ASSIGN_OR_RETURN(LoadedIncident loaded, LoadIncident(context, incident));
  compliance::ClockOptions options;
  options.time_zone = context.time_zone;
  VAKT_ASSIGN_OR_RETURN(auto clocks, compliance::ComputeIncidentClocks(loaded.input, now, options));
  return compliance::DueWarnings(incident.Key(), loaded.input.became_aware_at, clocks.deadlines,
                                 policy, now);
}

void RegisterRegulatoryRoutes(HttpServer& server, const RegulatoryRoutesContext& context) {
  auth::TokenService* tokens = context.tokens;
  server.Route(
      "GET", R"(/api/v1/incidents/([A-Za-z0-9-]+)/regulatory)", "incident_regulatory",
      Guarded(tokens, auth::Role::kViewer, [context](const Request& request, const std::string&) {
        return Clocks(context, request);
      }));
  server.Route("POST", R"(/api/v1/incidents/([A-Za-z0-9-]+)/regulatory/classifications)",
               "incident_regulatory_classify",
               Guarded(tokens, auth::Role::kResponder,
                       [context](const Request& request, const std::string& actor) {
                         return Record(context, request, actor, false);
                       }));
  server.Route("PUT", R"(/api/v1/incidents/([A-Za-z0-9-]+)/regulatory/became-aware)",
               "incident_regulatory_awareness",
               Guarded(tokens, auth::Role::kResponder,
                       [context](const Request& request, const std::string& actor) {
                         return SetAwareness(context, request, actor);
                       }));
  server.Route("POST", R"(/api/v1/incidents/([A-Za-z0-9-]+)/regulatory/submissions)",
               "incident_regulatory_submit",
               Guarded(tokens, auth::Role::kResponder,
                       [context](const Request& request, const std::string& actor) {
                         return Record(context, request, actor, true);
                       }));
  server.Route(
      "GET", R"(/api/v1/incidents/([A-Za-z0-9-]+)/report-draft)", "incident_report_draft",
      Guarded(tokens, auth::Role::kViewer, [context](const Request& request, const std::string&) {
        return Draft(context, request);
      }));
}

}  // namespace vakt::api
