#include "drill/drill_service.h"

#include "incident/context_snapshot.h"

namespace vakt::drill {
namespace {

// Score compares one milestone with its target; null duration when the drill has not reached it.
nlohmann::json Score(TimeMs started, TimeMs reached, TimeMs target) {
  if (reached == 0) return {{"ms", nullptr}, {"target_ms", target}, {"met", nullptr}};
  TimeMs took = reached - started;
  return {{"ms", took}, {"target_ms", target}, {"met", took <= target}};
}

}  // namespace

DrillService::DrillService(incident::IncidentService& incidents, storage::SqlDrillStore& store,
                           const Clock& clock, std::map<std::string, DrillTarget> targets)
    : incidents_(incidents), store_(store), clock_(clock), targets_(std::move(targets)) {
  if (auto found = targets_.find("default"); found != targets_.end())
    default_target_ = found->second;
}

const DrillTarget& DrillService::TargetFor(const std::string& runbook_id) const {
  auto found = targets_.find(runbook_id);
  return found != targets_.end() ? found->second : default_target_;
}

Result<nlohmann::json> DrillService::Start(const std::string& runbook_id,
                                           const std::string& scenario, const std::string& actor,
                                           std::int64_t schedule_id, const std::string& group_key) {
  if (scenario != "drift" && scenario != "regression" && scenario != "infra") {
    return Status::InvalidArgument("scenario: must be drift, regression or infra");
  }
  incident::Routing routing = incidents_.routing();
  const runbook::Runbook* runbook =
      routing.matcher ? routing.matcher->runbooks().Find(runbook_id) : nullptr;
  if (runbook == nullptr) return Status::NotFound("no runbook " + runbook_id);
  TimeMs now = clock_.NowMs();
  // The synthetic alert exists only for the snapshot (link templates, pipeline); it is not stored.
  Alert alert;
  alert.labels = {{"alertname", "Drill"},
                  {"pipeline", runbook->context.pipeline},
                  {"scenario", scenario},
                  {"vakt_drill", "true"}};
  alert.starts_at = now;
  alert.updated_at = now;
  incident::SnapshotInputs inputs;
  inputs.alert = &alert;
  inputs.runbook = runbook;
  inputs.pipeline =
      routing.catalog ? routing.catalog->FindPipeline(runbook->context.pipeline) : nullptr;
  inputs.now = now;
  Incident draft;
  draft.title = "[DRILL] " + runbook->metadata.title + " (" + scenario + ")";
  draft.severity = "drill";
  draft.group_key =
      group_key.empty() ? "drill/" + runbook_id + "/" + std::to_string(now) : group_key;
  draft.group_labels = alert.labels;
  draft.runbook_id = runbook->id();
  draft.runbook_version = std::to_string(runbook->metadata.version);
  draft.runbook_hash = runbook->content_hash;
  draft.pipeline = runbook->context.pipeline;
  draft.drill = true;
  draft.created_at = now;
  draft.updated_at = now;
  draft.context = incident::BuildContextSnapshot(inputs);
  draft.context["drill"] = {{"scenario", scenario}, {"started_by", actor}};
  IncidentEvent opened;
  opened.time = now;
  opened.actor = actor;
  opened.kind = "opened";
  opened.to_state = "triggered";
  opened.reason = "[DRILL] " + scenario + " drill of runbook " + runbook_id;
  opened.details = {{"drill", true}, {"scenario", scenario}};
  VAKT_ASSIGN_OR_RETURN(Incident created, incidents_.store().CreateIncident(draft, {}, opened));
  storage::DrillRecord record;
  record.incident_id = created.id;
  record.runbook_id = runbook_id;
  record.scenario = scenario;
  record.schedule_id = schedule_id;
  record.started_by = actor;
  VAKT_RETURN_IF_ERROR(store_.RecordDrill(record, now));
  return nlohmann::json{{"id", created.Key()},   {"title", created.title}, {"drill", true},
                        {"runbook", runbook_id}, {"scenario", scenario},   {"started_at", now}};
}

bool DrillService::HasRunbook(const std::string& runbook_id) const {
  incident::Routing routing = incidents_.routing();
  return routing.matcher && routing.matcher->runbooks().Find(runbook_id) != nullptr;
}

Status DrillService::RecordScheduledDrill(std::int64_t incident_id, const std::string& runbook_id,
                                          const std::string& scenario, std::int64_t schedule_id) {
  storage::DrillRecord record;
  record.incident_id = incident_id;
  record.runbook_id = runbook_id;
  record.scenario = scenario;
  record.schedule_id = schedule_id;
  record.started_by = "system:drill-scheduler";
  return store_.RecordDrill(record, clock_.NowMs());
}

Result<nlohmann::json> DrillService::Scoreboard(TimeMs since) {
  VAKT_ASSIGN_OR_RETURN(auto drills, store_.ListDrills(since, 1000));
  nlohmann::json rows = nlohmann::json::array();
  std::map<std::string, nlohmann::json> per_runbook;
  for (const auto& drill : drills) {
    const DrillTarget& target = TargetFor(drill.runbook_id);
    nlohmann::json acknowledge =
        Score(drill.started_at, drill.acknowledged_at, target.acknowledge_ms);
    nlohmann::json stabilise = Score(drill.started_at, drill.mitigated_at, target.mitigate_ms);
    nlohmann::json resolve = Score(drill.started_at, drill.resolved_at, target.resolve_ms);
    rows.push_back({{"incident", "INC-" + std::to_string(drill.incident_id)},
                    {"runbook_id", drill.runbook_id},
                    {"scenario", drill.scenario},
                    {"state", drill.state},
                    {"started_at", drill.started_at},
                    {"started_by", drill.started_by},
                    {"schedule_id", drill.schedule_id > 0 ? nlohmann::json(drill.schedule_id)
                                                          : nlohmann::json(nullptr)},
                    {"acknowledge", acknowledge},
                    {"stabilise", stabilise},
                    {"resolve", resolve},
                    {"steps_skipped", drill.steps_skipped},
                    {"steps_failed", drill.steps_failed}});
    nlohmann::json& summary = per_runbook[drill.runbook_id];
    if (summary.is_null()) summary = {{"drills", 0}, {"resolved", 0}, {"met_all_targets", 0}};
    summary["drills"] = summary["drills"].get<int>() + 1;
    if (drill.resolved_at > 0) summary["resolved"] = summary["resolved"].get<int>() + 1;
    if (acknowledge["met"] == true && stabilise["met"] == true && resolve["met"] == true) {
      summary["met_all_targets"] = summary["met_all_targets"].get<int>() + 1;
    }
  }
  nlohmann::json runbooks = nlohmann::json::object();
  for (auto& [id, summary] : per_runbook) {
    const DrillTarget& target = TargetFor(id);
    summary["targets_ms"] = {{"acknowledge", target.acknowledge_ms},
                             {"stabilise", target.mitigate_ms},
                             {"resolve", target.resolve_ms}};
    runbooks[id] = summary;
  }
  return nlohmann::json{{"since", since}, {"drills", rows}, {"runbooks", runbooks}};
}

}  // namespace vakt::drill
