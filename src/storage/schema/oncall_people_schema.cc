#include "storage/schema/portable_migration.h"

namespace vakt::storage {

// Paging, part 2 (issue 5): users and teams defined through the API (laid over the on-call file
// by id, like pipelines over the catalogue), and one row per delivery attempt of an outbox
// message, so "who was contacted, on which channel, when, with what result" is a record and not
// only the outbox row's last state.
PortableMigration OncallPeopleSchema() {
  return {11, R"sql(
CREATE TABLE oncall_people (
  kind        TEXT   NOT NULL,   -- user | team
  id          TEXT   NOT NULL,
  document    TEXT   NOT NULL,   -- canonical JSON, validated by oncall/people_json.h
  version     BIGINT NOT NULL,   -- +1 per change, for compare-and-set
  updated_by  TEXT   NOT NULL,
  updated_at  BIGINT NOT NULL,
  PRIMARY KEY (kind, id)
);
CREATE TABLE notification_attempts (
  id           {{ID}},
  outbox_id    BIGINT NOT NULL,
  incident_id  BIGINT,
  attempt      BIGINT NOT NULL,   -- 1-based; the outbox row's attempts at the claim
  recipient    TEXT   NOT NULL,   -- the paged user, else the message's target
  channel      TEXT   NOT NULL,
  target       TEXT   NOT NULL,
  started_at   BIGINT NOT NULL,
  finished_at  BIGINT NOT NULL,
  result       TEXT   NOT NULL,   -- sent | retry | failed
  error        TEXT   NOT NULL
);
CREATE INDEX notification_attempts_incident ON notification_attempts(incident_id, id);
CREATE INDEX notification_attempts_outbox ON notification_attempts(outbox_id, id);
)sql"};
}

}  // namespace vakt::storage
