#include "storage/schema/portable_migration.h"

namespace vakt::storage {

// Group updates (issue 3, Alertmanager's group_interval): how far each open incident's joined
// alerts have been announced to the people paged for it. One row per incident that has sent an
// update; its absence means "nothing announced after the alerts the incident opened with".
PortableMigration GroupNoticeSchema() {
  return {14, R"sql(
CREATE TABLE incident_group_notices (
  incident_id       BIGINT NOT NULL PRIMARY KEY,
  notified_through  BIGINT NOT NULL,   -- attached_at of the newest alert already announced
  last_sent_at      BIGINT NOT NULL,   -- when the last update was enqueued (Unix ms)
  updates           BIGINT NOT NULL    -- updates sent so far
);
)sql"};
}

}  // namespace vakt::storage
