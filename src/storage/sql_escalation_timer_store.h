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

// Durable escalation timers (table escalation_timers, schema v6 in schema/paging_schema.cc):
// one row per (incident, escalation policy) holding the escalation state machine's encoded
// state (escalation::EncodeState) and its next due time. A scheduler claims due rows under a
// lease, advances the state and saves it with an optimistic version check, in the same
// transaction as the page and outbox rows the step produced. A lost race (another instance, or
// an acknowledgement that stopped the timer meanwhile) fails the save, and the whole step rolls
// back: no page without its state change, no state change without its pages.

struct EscalationTimer {
  std::int64_t id = 0;
  std::int64_t incident_id = 0;
  std::string policy_id;
  std::string state;              // escalation::EncodeState JSON
  std::optional<TimeMs> due_at;   // unset once nothing is left to fire
  std::string lease_owner;        // "" when not leased
  TimeMs lease_expires_at = 0;
  std::int64_t version = 0;
  TimeMs created_at = 0;
  TimeMs updated_at = 0;
};

// ArmEscalationTimer inserts the timer for (incident, policy) inside the caller's transaction,
// with an "escalation.arm" audit record. Returns false (and writes nothing) when that incident
// already has a timer for the policy, so re-arming after a crash is harmless.
// REQUIRES: a transaction is open on `conn`.
Result<bool> ArmEscalationTimer(SqlConnection& conn, std::int64_t incident_id,
                                const std::string& policy_id, const std::string& state,
                                std::optional<TimeMs> due_at, TimeMs now);

// ClaimDueEscalationTimers leases up to `limit` timers with due_at <= now and no live lease to
// `owner` until now + lease (PostgreSQL: FOR UPDATE SKIP LOCKED, so two instances never claim
// the same timer). Ordered by due time.
Result<std::vector<EscalationTimer>> ClaimDueEscalationTimers(Database& database,
                                                              const std::string& owner,
                                                              TimeMs now, TimeMs lease, int limit);

// SaveEscalationTimer writes `timer.state` and `timer.due_at` if the stored version is still
// timer.version, bumps the version and releases any lease, inside the caller's transaction.
// FailedPrecondition when the version moved on (the caller must roll back its step).
// REQUIRES: a transaction is open on `conn`.
Status SaveEscalationTimer(SqlConnection& conn, const EscalationTimer& timer, TimeMs now);

// GetEscalationTimer reads the incident's timer for `policy_id` inside `conn`'s transaction (or
// outside one); NotFound when there is none.
Result<EscalationTimer> GetEscalationTimer(SqlConnection& conn, std::int64_t incident_id,
                                           const std::string& policy_id);

// ListIncidentEscalationTimers returns an incident's timers (one per policy), oldest first.
Result<std::vector<EscalationTimer>> ListIncidentEscalationTimers(Database& database,
                                                                  std::int64_t incident_id);

// ListArmedTimersOfStoppedIncidents returns timers that still have a due time although their
// incident is no longer "triggered" (acknowledged, mitigated, resolved or closed): the
// escalations an acknowledgement must stop.
Result<std::vector<EscalationTimer>> ListArmedTimersOfStoppedIncidents(Database& database,
                                                                       int limit);

// ListIncidentsAwaitingEscalation returns ids of triggered incidents that have no timer row yet
// (not considered for escalation), oldest first.
Result<std::vector<std::int64_t>> ListIncidentsAwaitingEscalation(Database& database, int limit);

}  // namespace vakt::storage
