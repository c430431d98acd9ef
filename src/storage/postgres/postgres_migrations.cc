#include "storage/postgres/postgres_migrations.h"

namespace vakt::storage {

const std::vector<Migration>& PostgresMigrations() {
  static const std::vector<Migration> kMigrations = {
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
  };
  return kMigrations;
}

}  // namespace vakt::storage
