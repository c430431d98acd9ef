#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "storage/database.h"

namespace vakt::storage {

// StoredDiagnosis is one root-cause diagnosis of an incident, as stored (table
// incident_diagnoses, schema v8).
struct StoredDiagnosis {
  std::int64_t id = 0;
  std::int64_t incident_id = 0;
  TimeMs created_at = 0;
  std::string actor;
  std::string verdict;      // the best hypothesis' cause
  std::string score;        // its score as decimal text (the audit grammar has no floats)
  std::string result_json;  // the whole result, JSON text
  std::string report;       // readable text
  std::string result_sha256;
};

// SqlDiagnosisStore keeps diagnoses, written once for SQLite and PostgreSQL. Saving writes the
// row, an incident timeline event ("diagnosed") and an audit record ("incident.diagnosed" with the
// result's SHA-256 as digest) in one transaction. Thread-safe (the Database serialises use).
class SqlDiagnosisStore {
 public:
  explicit SqlDiagnosisStore(Database& database) : database_(database) {}

  // Save stores `diagnosis` (id and result_sha256 are filled in) and returns it.
  // Errors: NotFound when the incident does not exist; the database's errors otherwise.
  Result<StoredDiagnosis> Save(StoredDiagnosis diagnosis);
  // Latest returns the newest diagnosis of an incident, or NotFound.
  Result<StoredDiagnosis> Latest(std::int64_t incident_id);
  // List returns an incident's diagnoses, newest first, at most `limit`.
  Result<std::vector<StoredDiagnosis>> List(std::int64_t incident_id, size_t limit);

 private:
  Database& database_;
};

}  // namespace vakt::storage
