#include "storage/schema/portable_migration.h"

namespace vakt::storage {

// Guided stabilisation (issue 4): one row per runbook step of an incident (its state and the
// compare-and-set version), the transition history, approval votes, execution attempts, and the
// metadata of captured evidence (blob bytes live in the content-addressed FileEvidenceStore).
PortableMigration StepSchema() {
  return {5, R"sql(
CREATE TABLE incident_steps (
  incident_id          TEXT   NOT NULL,   -- "INC-7"
  step_id              TEXT   NOT NULL,
  state                TEXT   NOT NULL,   -- action::StepStateName
  version              BIGINT NOT NULL,   -- compare-and-set token, +1 per change
  requires_approval    BIGINT NOT NULL,
  content_hash         TEXT   NOT NULL,   -- rendered action hash when requested
  approved_hash        TEXT   NOT NULL,   -- hash the quorum approved; a run must match it
  execution_id         TEXT   NOT NULL,   -- current/last run, its idempotency key
  requested_by         TEXT   NOT NULL,
  requested_at         BIGINT NOT NULL,
  approval_policy      TEXT   NOT NULL,   -- JSON snapshot {roles,count,distinct_from_requester,expires_ms}
  approval_expires_at  BIGINT NOT NULL,   -- 0 = never
  lease_owner          TEXT   NOT NULL,
  lease_expires_at     BIGINT NOT NULL,
  created_at           BIGINT NOT NULL,
  updated_at           BIGINT NOT NULL,
  PRIMARY KEY (incident_id, step_id)
);
CREATE INDEX incident_steps_state ON incident_steps(state, lease_expires_at);
CREATE TABLE step_events (
  id          {{ID}},
  incident_id TEXT   NOT NULL,
  step_id     TEXT   NOT NULL,
  seq         BIGINT NOT NULL,   -- position in the step's history
  time        BIGINT NOT NULL,
  actor       TEXT   NOT NULL,
  from_state  TEXT   NOT NULL,
  to_state    TEXT   NOT NULL,
  reason      TEXT   NOT NULL,
  UNIQUE (incident_id, step_id, seq)
);
CREATE TABLE step_approvals (
  id          {{ID}},
  incident_id TEXT   NOT NULL,
  step_id     TEXT   NOT NULL,
  seq         BIGINT NOT NULL,
  actor       TEXT   NOT NULL,
  decision    TEXT   NOT NULL,   -- approve | deny
  content_hash TEXT  NOT NULL,   -- the content the voter was shown
  reason      TEXT   NOT NULL,
  time        BIGINT NOT NULL,
  UNIQUE (incident_id, step_id, seq)
);
CREATE TABLE step_runs (
  incident_id    TEXT   NOT NULL,
  step_id        TEXT   NOT NULL,
  attempt        BIGINT NOT NULL,
  execution_id   TEXT   NOT NULL UNIQUE,
  started_at     BIGINT NOT NULL,
  finished_at    BIGINT NOT NULL,   -- 0 while running
  outcome        TEXT   NOT NULL,   -- "" while running
  output_excerpt TEXT   NOT NULL,
  evidence       TEXT   NOT NULL,   -- JSON array of SHA-256 digests
  PRIMARY KEY (incident_id, step_id, attempt)
);
CREATE TABLE evidence (
  id          {{ID}},
  incident_id TEXT   NOT NULL,
  step_id     TEXT   NOT NULL,
  sha256      TEXT   NOT NULL,
  kind        TEXT   NOT NULL,   -- collector: http, prometheus, command, action
  name        TEXT   NOT NULL,
  source      TEXT   NOT NULL,   -- URL, query or argv (never secrets)
  media_type  TEXT   NOT NULL,
  size        BIGINT NOT NULL,
  created_by  TEXT   NOT NULL,
  created_at  BIGINT NOT NULL
);
CREATE INDEX evidence_incident ON evidence(incident_id, id);
CREATE INDEX evidence_sha256 ON evidence(sha256);
)sql"};
}

}  // namespace vakt::storage
