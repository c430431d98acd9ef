#include "stabilise/stabilise.h"

#include <filesystem>

#include "common/crypto.h"

namespace vakt::stabilise {

Result<std::unique_ptr<Stabilise>> Stabilise::Create(storage::Database& database,
                                                     incident::IncidentService& incidents,
                                                     const Clock& clock, StabiliseOptions options) {
  std::unique_ptr<Stabilise> built(new Stabilise());
  VAKT_ASSIGN_OR_RETURN(built->blobs_, evidence::FileEvidenceStore::Open(
                                           std::filesystem::path(options.data_dir) / "evidence"));
  built->evidence_ = std::make_unique<storage::SqlEvidenceStore>(database, *built->blobs_);
  built->steps_ = std::make_unique<storage::SqlStepStore>(database);
  built->versions_ = std::make_unique<storage::SqlRunbookVersionStore>(database);
  action::HttpPolicy http_policy;
  VAKT_ASSIGN_OR_RETURN(http_policy.egress, action::EgressPolicy::Parse(options.egress_allow));
  action::CommandPolicy command_policy;
  command_policy.runbook_env = options.command_env;
  StepRunnerDeps deps;
  deps.http = std::make_shared<const action::HttpExecutor>(http_policy);
  deps.command = std::make_shared<const action::CommandExecutor>(command_policy);
  deps.prometheus_url = options.prometheus_url;
  StepServiceOptions service_options;
  service_options.instance_id = "vakt-" + RandomToken(6);
  service_options.lease_grace_ms = options.lease_grace_ms;
  built->service_ = std::make_unique<StepService>(database, *built->steps_, *built->evidence_,
                                                  incidents, built->versions_.get(), clock,
                                                  std::move(deps), service_options);
  return built;
}

}  // namespace vakt::stabilise
