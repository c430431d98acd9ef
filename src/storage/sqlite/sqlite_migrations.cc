#include "storage/sqlite/sqlite_migrations.h"

#include "storage/schema/portable_migration.h"

namespace vakt::storage {

const std::vector<Migration>& SqliteMigrations() {
  static const std::vector<Migration> kMigrations = WithPortableMigrations({
      {1, R"sql(
CREATE TABLE alerts (
  fingerprint      INTEGER PRIMARY KEY,   -- Alertmanager fingerprint, 64 bits stored signed
  labels           TEXT    NOT NULL,      -- canonical JSON object
  annotations      TEXT    NOT NULL,
  starts_at        INTEGER NOT NULL,      -- Unix ms
  ends_at          INTEGER NOT NULL,
  updated_at       INTEGER NOT NULL,
  generator_url    TEXT    NOT NULL,
  source           TEXT    NOT NULL,
  dedup_key        TEXT,                  -- PagerDuty dedup key scoped to its routing key
  revision         INTEGER NOT NULL,      -- +1 per stored update
  occurrence_rev   INTEGER NOT NULL       -- revision at which the current occurrence began
);
CREATE INDEX alerts_dedup_key ON alerts(dedup_key) WHERE dedup_key IS NOT NULL;
CREATE INDEX alerts_ends_at ON alerts(ends_at);
CREATE TABLE change_events (
  id        INTEGER PRIMARY KEY AUTOINCREMENT,
  pipeline  TEXT    NOT NULL,
  summary   TEXT    NOT NULL,
  source    TEXT    NOT NULL,
  version   TEXT    NOT NULL,
  ts        INTEGER NOT NULL,
  payload   TEXT    NOT NULL
);
CREATE INDEX change_events_pipeline_ts ON change_events(pipeline, ts);
)sql"},
      {2, R"sql(
CREATE TABLE incidents (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
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
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
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
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  name         TEXT   NOT NULL,
  role         TEXT   NOT NULL,
  token_sha256 TEXT   NOT NULL UNIQUE,
  created_at   BIGINT NOT NULL,
  revoked_at   BIGINT NOT NULL
);
)sql"},
      // v15: alert rows in arrival order. With the fingerprint as rowid, rows sat at random
      // places in the table, so a group commit of a few hundred re-sends rewrote (and fsynced) a
      // 4 KiB page per alert. Senders re-send in the order they first sent (Prometheus re-sends a
      // rule group's alerts together), so rows numbered on arrival put a group's re-sends on a few
      // neighbouring pages; the fingerprint stays unique through its own small index.
      {15, R"sql(
CREATE TABLE alerts_in_arrival_order (
  arrival          INTEGER PRIMARY KEY,   -- arrival order of the first occurrence; the row's place
  fingerprint      INTEGER NOT NULL UNIQUE,
  labels           TEXT    NOT NULL,
  annotations      TEXT    NOT NULL,
  starts_at        INTEGER NOT NULL,
  ends_at          INTEGER NOT NULL,
  updated_at       INTEGER NOT NULL,
  generator_url    TEXT    NOT NULL,
  source           TEXT    NOT NULL,
  dedup_key        TEXT,
  revision         INTEGER NOT NULL,
  occurrence_rev   INTEGER NOT NULL
);
INSERT INTO alerts_in_arrival_order (fingerprint, labels, annotations, starts_at, ends_at,
    updated_at, generator_url, source, dedup_key, revision, occurrence_rev)
  SELECT fingerprint, labels, annotations, starts_at, ends_at, updated_at, generator_url, source,
         dedup_key, revision, occurrence_rev
  FROM alerts ORDER BY starts_at, fingerprint;
DROP TABLE alerts;
ALTER TABLE alerts_in_arrival_order RENAME TO alerts;
CREATE INDEX alerts_dedup_key ON alerts(dedup_key) WHERE dedup_key IS NOT NULL;
CREATE INDEX alerts_ends_at ON alerts(ends_at);
)sql"},
  }, "sqlite");
  return kMigrations;
}

}  // namespace vakt::storage
