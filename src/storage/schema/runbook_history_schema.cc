#include "storage/schema/portable_migration.h"

namespace vakt::storage {

// Runbook history and the learning loop (issues 3 and 9): stored runbook versions, retros with
// their action items and step annotations, runbook change proposals, drills and drill schedules.
PortableMigration RunbookHistorySchema() {
  return {7, R"sql(
CREATE TABLE runbook_versions (
  id           {{ID}},
  runbook_id   TEXT   NOT NULL,
  version      BIGINT NOT NULL,           -- 1, 2, … per runbook, in order of recording
  content_hash TEXT   NOT NULL,           -- lowercase hex SHA-256 of content
  content      TEXT   NOT NULL,           -- the exact YAML source
  author       TEXT   NOT NULL,
  created_at   BIGINT NOT NULL,
  message      TEXT   NOT NULL,
  source       TEXT   NOT NULL,           -- reload | api | proposal
  incident_id  BIGINT NOT NULL,           -- 0 = none
  proposal_id  BIGINT NOT NULL,           -- 0 = none
  UNIQUE (runbook_id, version)
);
CREATE TABLE retros (
  incident_id         BIGINT NOT NULL PRIMARY KEY,
  state               TEXT   NOT NULL,    -- open | completed
  opened_at           BIGINT NOT NULL,
  updated_at          BIGINT NOT NULL,
  completed_at        BIGINT NOT NULL,    -- 0 = not completed
  completed_by        TEXT   NOT NULL,
  summary             TEXT   NOT NULL,
  root_cause_category TEXT   NOT NULL,
  contributing_factors TEXT  NOT NULL     -- JSON array of strings
);
CREATE TABLE retro_action_items (
  id          {{ID}},
  incident_id BIGINT NOT NULL,
  title       TEXT   NOT NULL,
  owner       TEXT   NOT NULL,
  due_date    TEXT   NOT NULL,            -- YYYY-MM-DD
  status      TEXT   NOT NULL,            -- open | done
  created_by  TEXT   NOT NULL,
  created_at  BIGINT NOT NULL
);
CREATE INDEX retro_action_items_incident ON retro_action_items(incident_id, id);
CREATE TABLE step_annotations (
  id          {{ID}},
  incident_id BIGINT NOT NULL,
  step_id     TEXT   NOT NULL,
  kind        TEXT   NOT NULL,            -- wrong | missing | slow | unclear
  text        TEXT   NOT NULL,
  author      TEXT   NOT NULL,
  created_at  BIGINT NOT NULL
);
CREATE INDEX step_annotations_incident ON step_annotations(incident_id, id);
CREATE TABLE runbook_proposals (
  id               {{ID}},
  runbook_id       TEXT   NOT NULL,
  incident_id      BIGINT NOT NULL,       -- 0 = none
  origin           TEXT   NOT NULL,       -- retro | drill | manual
  author           TEXT   NOT NULL,
  message          TEXT   NOT NULL,
  base_hash        TEXT   NOT NULL,       -- content hash the patch was applied to
  patch            TEXT   NOT NULL,       -- JSON: the submitted operations (or null for full YAML)
  proposed_content TEXT   NOT NULL,
  state            TEXT   NOT NULL,       -- pending | approved | rejected | applied
  reviewer         TEXT   NOT NULL,
  review_comment   TEXT   NOT NULL,
  created_at       BIGINT NOT NULL,
  reviewed_at      BIGINT NOT NULL,
  applied_at       BIGINT NOT NULL,
  applied_version  BIGINT NOT NULL        -- runbook_versions.version, 0 until applied
);
CREATE INDEX runbook_proposals_runbook ON runbook_proposals(runbook_id, id);
CREATE TABLE drills (
  incident_id BIGINT NOT NULL PRIMARY KEY,
  runbook_id  TEXT   NOT NULL,
  scenario    TEXT   NOT NULL,            -- drift | regression | infra
  schedule_id BIGINT NOT NULL,            -- 0 = started by hand
  started_by  TEXT   NOT NULL,
  started_at  BIGINT NOT NULL
);
CREATE TABLE drill_schedules (
  id           {{ID}},
  runbook_id   TEXT   NOT NULL,
  scenario     TEXT   NOT NULL,
  every        TEXT   NOT NULL,           -- daily | weekly
  weekday      BIGINT NOT NULL,           -- 0 = Sunday … 6 (weekly only)
  time_of_day  TEXT   NOT NULL,           -- HH:MM local time in time_zone
  time_zone    TEXT   NOT NULL,           -- IANA name
  next_run_at  BIGINT NOT NULL,           -- Unix ms; claimed by compare-and-set
  last_incident_id BIGINT NOT NULL,
  created_by   TEXT   NOT NULL,
  created_at   BIGINT NOT NULL,
  active       BIGINT NOT NULL
);
)sql"};
}

}  // namespace vakt::storage
