#include "drill/drill_scheduler.h"

#include <spdlog/spdlog.h>

#include "drill/recurrence.h"

namespace vakt::drill {

nlohmann::json ScheduleToJson(const DrillSchedule& schedule) {
  nlohmann::json json = {
      {"id", schedule.id},
      {"runbook", schedule.runbook_id},
      {"scenario", schedule.scenario},
      {"every", schedule.every},
      {"at", schedule.time_of_day},
      {"time_zone", schedule.time_zone},
      {"next_run_at", schedule.next_run_at},
      {"last_incident", schedule.last_incident_id > 0
                            ? nlohmann::json("INC-" + std::to_string(schedule.last_incident_id))
                            : nlohmann::json(nullptr)},
      {"created_by", schedule.created_by},
      {"created_at", schedule.created_at},
      {"active", schedule.active}};
  json["weekday"] = schedule.every == "weekly"
                        ? nlohmann::json(WeekdayName(static_cast<unsigned>(schedule.weekday)))
                        : nlohmann::json(nullptr);
  return json;
}

DrillScheduler::DrillScheduler(DrillService& drills, DrillScheduleStore& store, const Clock& clock,
                               DrillSchedulerOptions options)
    : drills_(drills),
      store_(store),
      clock_(clock),
      options_(std::move(options)),
      task_(options_.poll, [this] { Tick(); }) {}

DrillScheduler::~DrillScheduler() { Stop(); }

std::string DrillScheduler::GroupKey(std::int64_t schedule_id, TimeMs due_at) {
  return "drill/schedule/" + std::to_string(schedule_id) + "/" + std::to_string(due_at);
}

Result<nlohmann::json> DrillScheduler::Create(const nlohmann::json& body,
                                              const std::string& actor) {
  if (!body.is_object()) return Status::InvalidArgument("body: must be a JSON object");
  for (const auto& [key, value] : body.items()) {
    if (key != "runbook" && key != "scenario" && key != "every" && key != "weekday" &&
        key != "at" && key != "time_zone") {
      return Status::InvalidArgument(
          key + ": unknown field (runbook, scenario, every, weekday, at, time_zone)");
    }
  }
  auto runbook = body.find("runbook");
  if (runbook == body.end() || !runbook->is_string() || runbook->get<std::string>().empty()) {
    return Status::InvalidArgument("runbook: must be a runbook id");
  }
  std::string scenario = "drift";
  if (auto found = body.find("scenario"); found != body.end()) {
    if (!found->is_string()) return Status::InvalidArgument("scenario: must be a string");
    scenario = found->get<std::string>();
  }
  if (scenario != "drift" && scenario != "regression" && scenario != "infra") {
    return Status::InvalidArgument("scenario: must be drift, regression or infra");
  }
  VAKT_ASSIGN_OR_RETURN(Recurrence recurrence, ParseRecurrence(body));
  if (!drills_.HasRunbook(*runbook))
    return Status::NotFound("no runbook " + runbook->get<std::string>());
  TimeMs now = clock_.NowMs();
  DrillSchedule schedule;
  schedule.runbook_id = *runbook;
  schedule.scenario = scenario;
  schedule.every = recurrence.every;
  schedule.weekday = recurrence.weekday;
  schedule.time_of_day = FormatTimeOfDay(recurrence.time_of_day);
  schedule.time_zone = recurrence.time_zone;
  schedule.next_run_at = NextRunAfter(recurrence, now);
  schedule.created_by = actor;
  VAKT_ASSIGN_OR_RETURN(DrillSchedule created, store_.Create(schedule, now));
  task_.Wake();  // a schedule due soon is seen now, not after the next poll
  return ScheduleToJson(created);
}

Result<nlohmann::json> DrillScheduler::List() {
  VAKT_ASSIGN_OR_RETURN(auto schedules, store_.List(false));
  nlohmann::json list = nlohmann::json::array();
  for (const auto& schedule : schedules) list.push_back(ScheduleToJson(schedule));
  return nlohmann::json{{"schedules", list}};
}

Status DrillScheduler::Delete(std::int64_t id, const std::string& actor) {
  return store_.Delete(id, actor, clock_.NowMs());
}

Result<std::int64_t> DrillScheduler::OpenDrill(const ScheduleRun& run) {
  const std::string key = GroupKey(run.schedule.id, run.due_at);
  // A claimant that died after opening the drill but before recording it left the incident
  // behind under this key: finish its work instead of opening a second drill.
  VAKT_ASSIGN_OR_RETURN(auto existing, store_.FindIncidentByGroupKey(key));
  if (existing) {
    VAKT_ASSIGN_OR_RETURN(bool recorded, store_.HasDrillRecord(*existing));
    if (!recorded) {
      VAKT_RETURN_IF_ERROR(drills_.RecordScheduledDrill(*existing, run.schedule.runbook_id,
                                                        run.schedule.scenario, run.schedule.id));
    }
    return *existing;
  }
  VAKT_ASSIGN_OR_RETURN(nlohmann::json started,
                        drills_.Start(run.schedule.runbook_id, run.schedule.scenario,
                                      "system:drill-scheduler", run.schedule.id, key));
  (void)started;  // the incident id is read back by key below, as a successor would
  VAKT_ASSIGN_OR_RETURN(auto reopened, store_.FindIncidentByGroupKey(key));
  if (!reopened)
    return Status::Internal("drill incident for " + key + " not found after opening it");
  return *reopened;
}

Result<int> DrillScheduler::RunOnce() {
  TimeMs now = clock_.NowMs();
  VAKT_ASSIGN_OR_RETURN(
      auto runs, store_.ClaimDue(options_.instance_id, now, options_.lease_ms, options_.batch));
  int opened = 0;
  for (const ScheduleRun& run : runs) {
    VAKT_ASSIGN_OR_RETURN(Recurrence recurrence,
                          LoadRecurrence(run.schedule.every, run.schedule.weekday,
                                         run.schedule.time_of_day, run.schedule.time_zone));
    // After downtime the next run is the next one after now, not every missed one in turn.
    TimeMs next = NextRunAfter(recurrence, std::max(now, run.due_at));
    if (!drills_.HasRunbook(run.schedule.runbook_id)) {
      VAKT_RETURN_IF_ERROR(store_.Finish(
          run, -1, next, "runbook " + run.schedule.runbook_id + " is not loaded", now));
      continue;
    }
    auto incident = OpenDrill(run);
    if (!incident.ok()) {
      // The claim stays; its lease runs out and this or another instance tries again.
      spdlog::warn("drill schedule {}: could not open the drill: {}", run.schedule.id,
                   incident.status().ToString());
      continue;
    }
    Status finished = store_.Finish(run, *incident, next, "", clock_.NowMs());
    if (!finished.ok()) {
      spdlog::warn("drill schedule {}: {}", run.schedule.id, finished.ToString());
      continue;
    }
    ++opened;
  }
  return opened;
}

void DrillScheduler::Start() { task_.Start(); }

void DrillScheduler::Stop() { task_.Stop(); }

void DrillScheduler::Tick() {
  auto ran = RunOnce();
  if (!ran.ok()) spdlog::warn("drill scheduler: {}", ran.status().ToString());
}

}  // namespace vakt::drill
