#include "storage/schema/portable_migration.h"

namespace vakt::storage {

// Paging (issue 5): the notification outbox every notification leaves vakt through, the
// durable escalation timers, one row per page sent to a person, and schedule overrides made
// through the API (the on-call file holds the configured ones). Idempotency keys are UNIQUE
// so that no re-run, restart or second instance can enqueue the same message twice.
PortableMigration PagingSchema() {
  return {6, R"sql(
CREATE TABLE notification_outbox (
  id               {{ID}},
  idempotency_key  TEXT   NOT NULL UNIQUE,
  channel          TEXT   NOT NULL,          -- webhook | slack | email | drill | ...
  target           TEXT   NOT NULL,          -- URL, address or user id, per channel
  subject          TEXT   NOT NULL,
  payload          TEXT   NOT NULL,
  incident_id      BIGINT,                   -- NULL for messages about no incident
  page_key         TEXT,                     -- pages.idempotency_key this message delivers
  state            TEXT   NOT NULL,          -- pending | sending | sent | failed
  attempts         BIGINT NOT NULL,
  next_attempt_at  BIGINT NOT NULL,          -- Unix ms; due when <= now
  lease_owner      TEXT,
  lease_expires_at BIGINT,
  last_error       TEXT   NOT NULL,
  created_at       BIGINT NOT NULL,
  sent_at          BIGINT
);
CREATE INDEX notification_outbox_due ON notification_outbox(state, next_attempt_at);
CREATE INDEX notification_outbox_incident ON notification_outbox(incident_id, id);
CREATE TABLE escalation_timers (
  id               {{ID}},
  incident_id      BIGINT NOT NULL,
  policy_id        TEXT   NOT NULL,
  state            TEXT   NOT NULL,          -- escalation::EncodeState JSON
  due_at           BIGINT,                   -- NULL once nothing is left to fire
  lease_owner      TEXT,
  lease_expires_at BIGINT,
  version          BIGINT NOT NULL,          -- optimistic concurrency; +1 per write
  created_at       BIGINT NOT NULL,
  updated_at       BIGINT NOT NULL,
  UNIQUE (incident_id, policy_id)
);
CREATE INDEX escalation_timers_due ON escalation_timers(due_at);
CREATE TABLE pages (
  id               {{ID}},
  incident_id      BIGINT NOT NULL,
  policy_id        TEXT   NOT NULL,
  level            BIGINT NOT NULL,          -- 1-based
  loop_index       BIGINT NOT NULL,
  user_id          TEXT   NOT NULL,
  target           TEXT   NOT NULL,          -- how the user was reached: schedule:ml-fraud
  channel          TEXT   NOT NULL,
  idempotency_key  TEXT   NOT NULL UNIQUE,
  enqueued_at      BIGINT NOT NULL,
  delivered_at     BIGINT,
  acked_at         BIGINT
);
CREATE INDEX pages_incident ON pages(incident_id, id);
CREATE TABLE schedule_overrides (
  id               {{ID}},
  schedule_id      TEXT   NOT NULL,
  user_id          TEXT   NOT NULL,
  start_at         BIGINT NOT NULL,          -- [start_at, end_at) Unix ms
  end_at           BIGINT NOT NULL,
  created_by       TEXT   NOT NULL,
  created_at       BIGINT NOT NULL
);
CREATE INDEX schedule_overrides_schedule ON schedule_overrides(schedule_id, end_at);
)sql"};
}

}  // namespace vakt::storage
