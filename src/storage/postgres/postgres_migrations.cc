#include "storage/postgres/postgres_migrations.h"

#include "storage/schema/portable_migration.h"

namespace vakt::storage {

const std::vector<Migration>& PostgresMigrations() {
  static const std::vector<Migration> kMigrations = WithPortableMigrations({
      {1, R"sql(
CREATE TABLE alerts (
  fingerprint      BIGINT  PRIMARY KEY,
  labels           TEXT    NOT NULL,
  annotations      TEXT    NOT NULL,
  starts_at        BIGINT  NOT NULL,
  ends_at          BIGINT  NOT NULL,
  updated_at       BIGINT  NOT NULL,
  generator_url    TEXT    NOT NULL,
  source           TEXT    NOT NULL,
  dedup_key        TEXT,
  revision         BIGINT  NOT NULL,
  occurrence_rev   BIGINT  NOT NULL
);
CREATE INDEX alerts_dedup_key ON alerts(dedup_key) WHERE dedup_key IS NOT NULL;
CREATE INDEX alerts_ends_at ON alerts(ends_at);
CREATE TABLE change_events (
  id        BIGSERIAL PRIMARY KEY,
  pipeline  TEXT    NOT NULL,
  summary   TEXT    NOT NULL,
  source    TEXT    NOT NULL,
  version   TEXT    NOT NULL,
  ts        BIGINT  NOT NULL,
  payload   TEXT    NOT NULL
);
CREATE INDEX change_events_pipeline_ts ON change_events(pipeline, ts);
)sql"},
      {2, R"sql(
CREATE TABLE incidents (
  id              BIGSERIAL PRIMARY KEY,
  version         BIGINT  NOT NULL,
  title           TEXT    NOT NULL,
  severity        TEXT    NOT NULL,
  state           TEXT    NOT NULL,
  group_key       TEXT    NOT NULL,
  group_labels    TEXT    NOT NULL,
  runbook_id      TEXT    NOT NULL,
  runbook_version TEXT    NOT NULL,
  runbook_hash    TEXT    NOT NULL,
  pipeline        TEXT    NOT NULL,
  assignee        TEXT    NOT NULL,
  drill           BIGINT  NOT NULL,
  created_at      BIGINT  NOT NULL,
  updated_at      BIGINT  NOT NULL,
  acknowledged_at BIGINT  NOT NULL,
  mitigated_at    BIGINT  NOT NULL,
  resolved_at     BIGINT  NOT NULL,
  closed_at       BIGINT  NOT NULL,
  context         TEXT    NOT NULL
);
-- One open incident per group, across every vakt instance sharing the database.
CREATE UNIQUE INDEX incidents_open_group ON incidents(group_key)
  WHERE state IN ('triggered', 'acknowledged', 'mitigated');
CREATE INDEX incidents_state ON incidents(state);
CREATE TABLE incident_alerts (
  incident_id  BIGINT NOT NULL REFERENCES incidents(id),
  fingerprint  BIGINT NOT NULL,
  attached_at  BIGINT NOT NULL,
  PRIMARY KEY (incident_id, fingerprint)
);
CREATE INDEX incident_alerts_fingerprint ON incident_alerts(fingerprint);
CREATE TABLE incident_events (
  id          BIGSERIAL PRIMARY KEY,
  incident_id BIGINT NOT NULL REFERENCES incidents(id),
  time        BIGINT NOT NULL,
  actor       TEXT   NOT NULL,
  kind        TEXT   NOT NULL,
  from_state  TEXT   NOT NULL,
  to_state    TEXT   NOT NULL,
  reason      TEXT   NOT NULL,
  details     TEXT   NOT NULL
);
CREATE INDEX incident_events_incident ON incident_events(incident_id, id);
)sql"},
      {3, R"sql(
CREATE TABLE api_tokens (
  id           BIGSERIAL PRIMARY KEY,
  name         TEXT   NOT NULL,
  role         TEXT   NOT NULL,
  token_sha256 TEXT   NOT NULL UNIQUE,
  created_at   BIGINT NOT NULL,
  revoked_at   BIGINT NOT NULL
);
)sql"},
      // v15 is SQLite's move of alert rows into arrival order. A PostgreSQL heap already keeps
      // rows where they were inserted (the primary key is a separate index), so nothing changes
      // here; the step exists so both engines report the same schema version.
      {15, "SELECT 1"},
  }, "postgres");
  return kMigrations;
}

}  // namespace vakt::storage
