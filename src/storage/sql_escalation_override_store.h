#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "storage/database.h"

namespace vakt::storage {

// Schedule overrides made through the API (table schedule_overrides, schema v6): "put `user` on
// call in `schedule_id` for [start, end)". They apply on top of the on-call file's schedules in
// every instance (paging::PagingService merges them in).

struct StoredOverride {
  std::int64_t id = 0;
  std::string schedule_id;
  std::string user_id;
  TimeMs start = 0;
  TimeMs end = 0;
  std::string created_by;
  TimeMs created_at = 0;
};

// InsertScheduleOverride stores `entry` (id and created_at are assigned) with a
// "schedule.override" audit record in one transaction; returns the new id.
// REQUIRES: entry.start < entry.end (the caller validates input).
Result<std::int64_t> InsertScheduleOverride(Database& database, const StoredOverride& entry,
                                            TimeMs now);

// ListScheduleOverrides returns overrides that end after `since`, oldest first.
Result<std::vector<StoredOverride>> ListScheduleOverrides(Database& database, TimeMs since);

}  // namespace vakt::storage
