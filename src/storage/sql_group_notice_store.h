#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "storage/database.h"
#include "storage/sql/sql_connection.h"

namespace vakt::storage {

// Group updates (table incident_group_notices, schema v14 in schema/group_notice_schema.cc).
// Alertmanager tells a receiver about alerts that join an already-notified group at most once
// per group_interval; vakt does the same for alerts that join an open incident after it opened.
// The watermark is an attached_at time, so "what is new" is a range query on incident_alerts and
// a restart or a second instance computes the same batch.

// PendingGroupUpdate is an open incident with alerts attached after its watermark.
struct PendingGroupUpdate {
  std::int64_t incident_id = 0;
  TimeMs notified_through = 0;  // the watermark (the incident's created_at before any update)
  TimeMs last_sent_at = 0;      // the last update, or created_at: the start of group_interval
  std::int64_t new_alerts = 0;
};

// ListPendingGroupUpdates returns open incidents (triggered, acknowledged, mitigated) whose
// alerts include some attached after their watermark, oldest incident first, at most `limit`.
Result<std::vector<PendingGroupUpdate>> ListPendingGroupUpdates(Database& database, int limit);

// JoinedAlert is one alert of a group update.
struct JoinedAlert {
  std::uint64_t fingerprint = 0;
  TimeMs attached_at = 0;
};

// ClaimGroupUpdate moves the incident's watermark from `expected_through` to the newest attached
// alert and returns the alerts attached in between (oldest first), inside the caller's
// transaction. Returns nullopt, writing nothing, when the watermark is no longer
// `expected_through` (another instance sent this update) or nothing new is attached.
// REQUIRES: a transaction is open on `conn`.
Result<std::optional<std::vector<JoinedAlert>>> ClaimGroupUpdate(SqlConnection& conn,
                                                                 std::int64_t incident_id,
                                                                 TimeMs expected_through,
                                                                 TimeMs now);

// PagedContact is a (channel, target) a page of the incident went out to.
struct PagedContact {
  std::string channel;
  std::string target;
};

// ListPagedContacts returns the distinct contacts the incident's pages were sent or are due to be
// sent to (cancelled delayed contacts excluded), inside the caller's transaction: the receivers
// of its group updates.
Result<std::vector<PagedContact>> ListPagedContacts(SqlConnection& conn, std::int64_t incident_id);

}  // namespace vakt::storage
