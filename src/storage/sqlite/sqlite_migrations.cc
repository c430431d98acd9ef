#include "storage/sqlite/sqlite_migrations.h"

namespace vakt::storage {

const std::vector<Migration>& SqliteMigrations() {
  static const std::vector<Migration> kMigrations = {
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
  };
  return kMigrations;
}

}  // namespace vakt::storage
