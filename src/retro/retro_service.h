#pragma once

#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "common/clock.h"
#include "common/status.h"
#include "incident/lifecycle.h"
#include "model/incident.h"
#include "storage/incident_store.h"
#include "storage/sql_diagnosis_store.h"
#include "storage/sql_retro_store.h"

namespace vakt::retro {

struct RetroOptions {
  // Severities whose incidents cannot close until their retro is completed.
  std::set<std::string> required_for;
  size_t max_timeline_entries = 2000;
};

// RetroService runs incident retrospectives: a retro opens when its incident resolves (OnAction,
// wired as IncidentService's ActionObserver), audited with the timeline generated from the audit
// log at that moment; OpenPending opens the ones a crash between the resolve and that hook left
// unopened. The timeline served later is generated again from the same log, so it also shows
// what happened after the resolve (retro edits, close). A retro can gate the close.
// Thread-safe (the stores are).
class RetroService {
 public:
  RetroService(storage::IncidentStore& incidents, storage::SqlRetroStore& retros,
               storage::SqlDiagnosisStore* diagnoses, const Clock& clock, RetroOptions options);

  // View returns the retro as JSON: incident summary, state, summary, root cause category (and
  // the category suggested by the latest diagnosis), contributing factors, timeline with
  // durations, step annotations and action items. NotFound for an unknown incident;
  // FailedPrecondition while the incident has not resolved.
  Result<nlohmann::json> View(std::int64_t incident_id, const std::string& actor);
  // Update sets the editable fields from `body` ({summary?, root_cause_category?,
  // contributing_factors?}); InvalidArgument naming the field for bad input.
  Result<nlohmann::json> Update(std::int64_t incident_id, const nlohmann::json& body,
                                const std::string& actor);
  Result<nlohmann::json> AddActionItem(std::int64_t incident_id, const nlohmann::json& body,
                                       const std::string& actor);
  // Annotate records a responder's remark on a step at any point of the incident.
  Result<nlohmann::json> Annotate(std::int64_t incident_id, const std::string& step_id,
                                  const nlohmann::json& body, const std::string& actor);
  // Complete closes the retro; FailedPrecondition without a root cause category.
  Result<nlohmann::json> Complete(std::int64_t incident_id, const std::string& actor);
  // Markdown exports the retro as a Markdown document.
  Result<std::string> Markdown(std::int64_t incident_id, const std::string& actor);

  // GuardAction refuses to close an incident whose severity requires a completed retro
  // (FailedPrecondition); every other action passes. Wired as IncidentService's ActionGuard.
  Status GuardAction(const Incident& incident, incident::IncidentAction action);

  // OnAction opens the retro of an incident that was just resolved ("retro.open" by
  // system:retro, with the timeline's phases and durations in the audit details). Errors are
  // logged; OpenPending retries them.
  void OnAction(const Incident& incident, incident::IncidentAction action);
  // OpenPending opens the retros of up to `limit` resolved incidents that have none; returns how
  // many it opened.
  Result<int> OpenPending(size_t limit);

 private:
  Result<storage::StoredRetro> OpenAtResolve(std::int64_t incident_id, const std::string& trigger);
  Result<storage::StoredRetro> OpenFor(std::int64_t incident_id, const std::string& actor,
                                       Incident* incident_out);

  storage::IncidentStore& incidents_;
  storage::SqlRetroStore& retros_;
  storage::SqlDiagnosisStore* diagnoses_;
  const Clock& clock_;
  const RetroOptions options_;
};

}  // namespace vakt::retro
