#include "storage/schema/portable_migration.h"

namespace vakt::storage {

// Drill schedule runs (issue 9): one row per (schedule, due time), claimed by exactly one vakt
// instance. The primary key makes the claim unique across instances sharing a database; the
// lease (claimed_until) lets another instance, or the same one after a restart, take over a run
// whose claimant died before it opened the drill; incident_id records that it did.
PortableMigration DrillScheduleSchema() {
  return {13, R"sql(
CREATE TABLE drill_schedule_runs (
  schedule_id   BIGINT NOT NULL,
  due_at        BIGINT NOT NULL,           -- the schedule's next_run_at this run is for (Unix ms)
  claimed_by    TEXT   NOT NULL,
  claimed_until BIGINT NOT NULL,           -- lease end (Unix ms)
  incident_id   BIGINT NOT NULL,           -- 0 until the drill incident exists
  started_at    BIGINT NOT NULL,           -- 0 until the drill incident exists
  PRIMARY KEY (schedule_id, due_at)
);
CREATE INDEX drill_schedules_due ON drill_schedules(active, next_run_at);
)sql"};
}

}  // namespace vakt::storage
