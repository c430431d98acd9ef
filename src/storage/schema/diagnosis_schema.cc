#include "storage/schema/portable_migration.h"

namespace vakt::storage {

// Root-cause diagnoses of incidents (issue 6): every run is kept (history), newest by id. The
// result is the JSON the API returns (hypotheses, drift with per-feature histograms, regression,
// infrastructure findings, deployment facts); report is its readable text; result_sha256 is the
// digest recorded in the audit log, so a stored result can be checked against its audit leaf.
PortableMigration DiagnosisSchema() {
  return {8, R"sql(
CREATE TABLE incident_diagnoses (
  id            {{ID}},
  incident_id   BIGINT NOT NULL,
  created_at    BIGINT NOT NULL,   -- Unix ms
  actor         TEXT   NOT NULL,
  verdict       TEXT   NOT NULL,   -- infrastructure | model_regression | data_drift | unknown
  score         TEXT   NOT NULL,   -- the winning hypothesis' score, as decimal text
  result        TEXT   NOT NULL,   -- JSON
  report        TEXT   NOT NULL,   -- plain text
  result_sha256 TEXT   NOT NULL
);
CREATE INDEX incident_diagnoses_incident ON incident_diagnoses(incident_id, id);
)sql"};
}

}  // namespace vakt::storage
