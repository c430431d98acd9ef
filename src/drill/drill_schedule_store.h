#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "storage/database.h"

namespace vakt::drill {

// DrillSchedule is one stored recurring drill (table drill_schedules).
struct DrillSchedule {
  std::int64_t id = 0;
  std::string runbook_id;
  std::string scenario;
  std::string every;         // daily | weekly
  std::int64_t weekday = 0;  // 0 = Sunday … 6 (weekly only)
  std::string time_of_day;   // HH:MM local
  std::string time_zone;     // IANA
  TimeMs next_run_at = 0;
  std::int64_t last_incident_id = 0;
  std::string created_by;
  TimeMs created_at = 0;
  bool active = true;
};

// ScheduleRun is a claimed due run of a schedule: the drill for (schedule, due_at) that exactly
// one instance opens.
struct ScheduleRun {
  DrillSchedule schedule;
  TimeMs due_at = 0;
  std::string owner;
};

// DrillScheduleStore keeps drill schedules and the claims on their runs, on either engine. A run
// is claimed by inserting its (schedule, due time) row — the primary key lets one instance win —
// under a lease; the instance that opened the drill records it and advances next_run_at in one
// transaction. Every change is audited in the same transaction. Thread-safe.
class DrillScheduleStore {
 public:
  explicit DrillScheduleStore(storage::Database& database) : database_(database) {}

  // Create stores a schedule ("drill.schedule_create" on runbook/<id>); the id is assigned.
  Result<DrillSchedule> Create(const DrillSchedule& schedule, TimeMs now);
  // List returns the active schedules (all with `include_deleted`), by id.
  Result<std::vector<DrillSchedule>> List(bool include_deleted);
  Result<DrillSchedule> Get(std::int64_t id);
  // Delete deactivates a schedule ("drill.schedule_delete"); NotFound when there is no active one.
  Status Delete(std::int64_t id, const std::string& actor, TimeMs now);

  // ClaimDue claims up to `limit` runs due at `now` for `owner` until now + lease: new runs, and
  // runs whose claimant's lease ran out before it opened the drill.
  Result<std::vector<ScheduleRun>> ClaimDue(const std::string& owner, TimeMs now, TimeMs lease,
                                            int limit);
  // Finish records that the claimed run opened `incident_id` (or, with incident_id < 0, was
  // skipped for `reason`) and moves the schedule to `next_run_at`, audited, in one transaction.
  // FailedPrecondition when the claim was lost (another instance took over the run).
  Status Finish(const ScheduleRun& run, std::int64_t incident_id, TimeMs next_run_at,
                const std::string& reason, TimeMs now);

  // FindIncidentByGroupKey returns the id of the incident (any state) holding `group_key`: how a
  // run taken over after a crash finds the drill its first claimant already opened.
  Result<std::optional<std::int64_t>> FindIncidentByGroupKey(const std::string& group_key);
  // HasDrillRecord says whether the drills table already links `incident_id`.
  Result<bool> HasDrillRecord(std::int64_t incident_id);

 private:
  storage::Database& database_;
};

}  // namespace vakt::drill
