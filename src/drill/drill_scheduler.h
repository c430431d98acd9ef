#pragma once

#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "common/clock.h"
#include "common/periodic_task.h"
#include "common/status.h"
#include "drill/drill_schedule_store.h"
#include "drill/drill_service.h"

namespace vakt::drill {

struct DrillSchedulerOptions {
  std::string instance_id = "vakt";  // claims name their instance; unique per process
  TimeMs lease_ms = 5 * 60'000;      // a claimant that dies is replaced after this long
  std::chrono::milliseconds poll{1000};
  int batch = 20;
};

// DrillScheduler owns drill schedules (create, list, delete) and, in `vakt serve`, starts the
// drills they call for. Each due run opens exactly one drill incident even across restarts and
// with several instances on one database: the run is claimed in the database before the drill
// opens, the drill incident carries the run's group key so a successor finds it after a crash,
// and recording it moves next_run_at on in the same transaction. The next run is computed in
// the schedule's time zone on the injected clock; a server that was down for several periods
// runs one drill, not one per missed period. Thread-safe.
class DrillScheduler {
 public:
  DrillScheduler(DrillService& drills, DrillScheduleStore& store, const Clock& clock,
                 DrillSchedulerOptions options);
  ~DrillScheduler();
  DrillScheduler(const DrillScheduler&) = delete;
  DrillScheduler& operator=(const DrillScheduler&) = delete;

  // Create stores a schedule from {runbook, scenario?, every, weekday?, at, time_zone}.
  // InvalidArgument naming the field; NotFound for a runbook that is not loaded.
  Result<nlohmann::json> Create(const nlohmann::json& body, const std::string& actor);
  Result<nlohmann::json> List();
  Status Delete(std::int64_t id, const std::string& actor);

  // RunOnce claims the runs due now and opens their drills; returns how many drills it opened.
  Result<int> RunOnce();

  void Start();
  void Stop();

  static std::string GroupKey(std::int64_t schedule_id, TimeMs due_at);

 private:
  Result<std::int64_t> OpenDrill(const ScheduleRun& run);
  void Tick();

  DrillService& drills_;
  DrillScheduleStore& store_;
  const Clock& clock_;
  const DrillSchedulerOptions options_;
  PeriodicTask task_;
};

// ScheduleToJson renders a stored schedule for the API.
nlohmann::json ScheduleToJson(const DrillSchedule& schedule);

}  // namespace vakt::drill
