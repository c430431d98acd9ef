#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "storage/database.h"

namespace vakt::storage {

// StoredRetro is an incident's retrospective (table retros, schema v7).
struct StoredRetro {
  std::int64_t incident_id = 0;
  std::string state = "open";  // open | completed
  TimeMs opened_at = 0;
  TimeMs updated_at = 0;
  TimeMs completed_at = 0;
  std::string completed_by;
  std::string summary;
  std::string root_cause_category;
  std::vector<std::string> contributing_factors;
};

struct RetroActionItem {
  std::int64_t id = 0;
  std::int64_t incident_id = 0;
  std::string title;
  std::string owner;
  std::string due_date;  // YYYY-MM-DD
  std::string status = "open";
  std::string created_by;
  TimeMs created_at = 0;
};

// StepAnnotation is a responder's remark on a runbook step during an incident.
struct StepAnnotation {
  std::int64_t id = 0;
  std::int64_t incident_id = 0;
  std::string step_id;
  std::string kind;  // wrong | missing | slow | unclear
  std::string text;
  std::string author;
  TimeMs created_at = 0;
};

// AuditLeafRow is one audit log entry as stored (the retro timeline's source).
struct AuditLeafRow {
  std::int64_t seq = 0;
  TimeMs time = 0;
  std::string action;
  std::string subject;
  std::string data;  // canonical record JSON
};

// SqlRetroStore keeps retros, their action items and step annotations. Every change writes its
// audit record in the same transaction. Engine-neutral. Thread-safe.
class SqlRetroStore {
 public:
  explicit SqlRetroStore(Database& database) : database_(database) {}

  // Open creates the incident's retro if it has none ("retro.open", audited with `details`) and
  // returns it. Two instances opening the same retro at once write one row and one record.
  Result<StoredRetro> Open(std::int64_t incident_id, const std::string& actor, TimeMs now,
                           const nlohmann::json& details = nlohmann::json::object());
  // ListResolvedWithoutRetro returns up to `limit` ids of resolved (or closed) incidents that
  // have no retro yet, oldest first: the retros a crash kept from opening at resolve time.
  Result<std::vector<std::int64_t>> ListResolvedWithoutRetro(size_t limit);
  // Get returns the retro, or NotFound.
  Result<StoredRetro> Get(std::int64_t incident_id);
  // Update stores summary, root cause category and factors ("retro.update"). FailedPrecondition
  // when the retro is already completed; NotFound when there is none.
  Result<StoredRetro> Update(const StoredRetro& next, const std::string& actor, TimeMs now);
  // Complete marks the retro completed ("retro.complete"); FailedPrecondition when it already is.
  Result<StoredRetro> Complete(std::int64_t incident_id, const std::string& actor, TimeMs now);

  Result<RetroActionItem> AddActionItem(const RetroActionItem& item, TimeMs now);
  Result<std::vector<RetroActionItem>> ListActionItems(std::int64_t incident_id);
  Result<StepAnnotation> AddAnnotation(const StepAnnotation& annotation, TimeMs now);
  Result<std::vector<StepAnnotation>> ListAnnotations(std::int64_t incident_id);

  // IncidentAuditTrail returns, in log order, the audit leaves about the incident: its own
  // subject, its steps (step/INC-n/…) and the notifications sent for it. At most `limit`.
  Result<std::vector<AuditLeafRow>> IncidentAuditTrail(std::int64_t incident_id, size_t limit);

 private:
  Database& database_;
};

}  // namespace vakt::storage
