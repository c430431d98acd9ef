#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "common/clock.h"
#include "common/status.h"
#include "incident/incident_service.h"
#include "storage/sql_retro_proposal_store.h"

namespace vakt::retro {

// ProposalService turns retro and drill findings into reviewed runbook changes: a proposal is a
// patch (or full YAML) applied to the runbook's current source and validated by the loader and
// linter; a second person approves it; applying writes the runbook file atomically, records the
// version (source "proposal", linked to the incident and proposal) and triggers the app's reload
// (build new, then swap). Thread-safe.
class ProposalService {
 public:
  using Reload = std::function<Result<nlohmann::json>(const std::string& actor)>;
  ProposalService(incident::IncidentService& incidents, storage::SqlRetroProposalStore& store,
                  const Clock& clock, Reload reload);

  // Create validates and stores a proposal from `body`: {message, patch: [...] | yaml: "...",
  // incident?: "INC-7", origin?: retro|drill|manual}. InvalidArgument naming the field, or listing
  // the loader's and linter's findings; NotFound for an unknown runbook or incident.
  Result<nlohmann::json> Create(const std::string& runbook_id, const nlohmann::json& body,
                                const std::string& actor);
  Result<nlohmann::json> Get(std::int64_t id);
  Result<nlohmann::json> List(const std::string& runbook_id);
  // Review approves or rejects: {decision: approve|reject, comment?}.
  Result<nlohmann::json> Review(std::int64_t id, const nlohmann::json& body,
                                const std::string& actor);
  // Apply writes an approved proposal as the runbook's new version. FailedPrecondition when the
  // runbook changed since the proposal was made (its base hash no longer matches).
  Result<nlohmann::json> Apply(std::int64_t id, const std::string& actor);

 private:
  incident::IncidentService& incidents_;
  storage::SqlRetroProposalStore& store_;
  const Clock& clock_;
  Reload reload_;
  std::mutex apply_mu_;  // one apply at a time: file write, version record, reload
};

// ProposalToJson renders a stored proposal for the API.
nlohmann::json ProposalToJson(const storage::RunbookProposal& proposal, bool with_content);

}  // namespace vakt::retro
