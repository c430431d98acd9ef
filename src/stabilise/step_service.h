#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "action/approval.h"
#include "action/step_state.h"
#include "common/clock.h"
#include "incident/incident_service.h"
#include "runbook/runbook.h"
#include "stabilise/step_renderer.h"
#include "stabilise/step_runner.h"
#include "storage/database.h"
#include "storage/sql_evidence_store.h"
#include "storage/sql_runbook_version_store.h"
#include "storage/sql_step_store.h"

namespace vakt::stabilise {

struct StepServiceOptions {
  std::string instance_id;  // lease owner name of this process
  // A running step's lease lasts this long (at least 1 s) and is renewed every third of it
  // while this process runs the action, so a crash shows as outcome_unknown within one lease
  // and a long action is never mistaken for a crashed one.
  TimeMs lease_grace_ms = 30'000;
  TimeMs auto_poll_ms = 1000;        // how often open incidents are checked for auto steps
  size_t max_concurrent_runs = 16;   // more concurrent runs are refused (ResourceExhausted)
  size_t auto_incident_limit = 200;  // open incidents looked at per auto pass
};

// StepView is one runbook step of one incident as responders see it: the runbook definition,
// the stored state (or a pending placeholder before anyone touched it), the rendered preview and
// the approval verdict for the current content.
struct StepView {
  std::string section;  // stabilise | investigate | verify | close_out
  runbook::Step step;
  action::StepRecord record;
  bool rendered_ok = false;
  RenderedStep rendered;
  std::string render_error;
  action::ApprovalVerdict verdict;
};

// StepService is guided stabilisation with people in control: for an incident it renders the
// runbook version the incident pinned (id + content hash; after a reload the old version comes
// from the runbook version store) with the incident's context, and drives each through
// request → approval (N-of-M, distinct approver, expiry, bound to the rendered content hash) →
// run (exactly once, by compare-and-set) → confirm / skip. Every transition and vote is stored
// with its audit record in one transaction (storage::SqlStepStore). A step left running by a
// crashed process becomes outcome_unknown when its lease expires and is never re-run without a
// person asking. Drill incidents never execute anything: a run records what would have happened.
// Auto steps (`auto: true`, no approval, a non-mutating kind) run when an incident opens.
// Thread-safe; runs execute on their own threads, joined by Stop.
class StepService {
 public:
  // `versions` (may be null) supplies the pinned runbook when the loaded one has changed.
  StepService(storage::Database& database, storage::SqlStepStore& steps,
              storage::SqlEvidenceStore& evidence, incident::IncidentService& incidents,
              storage::SqlRunbookVersionStore* versions, const Clock& clock, StepRunnerDeps runner,
              StepServiceOptions options);
  ~StepService();
  StepService(const StepService&) = delete;
  StepService& operator=(const StepService&) = delete;

  // SetDiagnoseHook wires `diagnose` steps to the diagnostics engine. Call before Start.
  void SetDiagnoseHook(DiagnoseHook hook) { runner_.diagnose = std::move(hook); }
  // Start settles expired leases and starts the auto-step loop; Stop ends loops and joins runs.
  void Start();
  void Stop();

  // List returns every step of the incident's pinned runbook version in section order.
  // NotFound for no such incident or when that version is neither loaded nor stored.
  Result<std::vector<StepView>> List(std::int64_t incident_id);
  Result<StepView> Get(std::int64_t incident_id, const std::string& step_id);

  // The transitions. FailedPrecondition (409) when the state does not allow it, the content
  // changed, or another change won the race; PermissionDenied for an approver who lacks the
  // roles or requested the step; InvalidArgument for bad input.
  Result<StepView> Request(std::int64_t incident_id, const std::string& step_id,
                           const std::string& actor, const std::string& reason);
  // Approve/Deny: `seen_hash` is the content hash the voter was shown; it must equal the
  // current rendering.
  Result<StepView> Approve(std::int64_t incident_id, const std::string& step_id,
                           const action::Actor& actor, const std::string& seen_hash,
                           const std::string& reason);
  Result<StepView> Deny(std::int64_t incident_id, const std::string& step_id,
                        const action::Actor& actor, const std::string& seen_hash,
                        const std::string& reason);
  // Run claims the step and starts its action on a background thread; the returned view is
  // `running` (or finished, for drills and notify steps).
  Result<StepView> Run(std::int64_t incident_id, const std::string& step_id,
                       const std::string& actor, const std::string& reason);
  // Confirm completes a manual step, or resolves an outcome_unknown one (`failed` says how).
  Result<StepView> Confirm(std::int64_t incident_id, const std::string& step_id,
                           const std::string& actor, const std::string& reason, bool failed);
  Result<StepView> Skip(std::int64_t incident_id, const std::string& step_id,
                        const std::string& actor, const std::string& reason);
  // DryRun returns what the step would send, run or collect, without side effects (audited as
  // step.dry_run).
  Result<nlohmann::json> DryRun(std::int64_t incident_id, const std::string& step_id,
                                const std::string& actor);

  // AutoRunPass starts the auto steps of open incidents that have not started them yet.
  Status AutoRunPass();
  // SettleAll turns expired leases into outcome_unknown and expired approvals into denials.
  Status SettleAll();
  // RenewLeases extends the lease of every action this process is running.
  void RenewLeases();

  storage::SqlEvidenceStore& evidence() { return evidence_; }

 private:
  struct Loaded;
  Result<Loaded> Load(std::int64_t incident_id, const std::string& step_id);
  Result<std::vector<Loaded>> LoadAll(std::int64_t incident_id);
  Result<std::shared_ptr<const runbook::Runbook>> PinnedRunbook(const Incident& incident,
                                                                const incident::Routing& routing);
  TimeMs LeaseMs() const;
  bool RunningHere(const action::StepRecord& record);
  void Untrack(const action::StepKey& key, const std::string& execution_id);
  Result<action::StepRecord> StoredOrCreate(const Loaded& loaded);
  Status Settle(action::StepRecord& record);
  StepView ViewOf(const Loaded& loaded) const;
  Result<StepView> Vote(std::int64_t incident_id, const std::string& step_id,
                        const action::Actor& actor, const std::string& seen_hash,
                        const std::string& reason, bool approve);
  Result<StepView> Claim(const Loaded& loaded, const std::string& actor, const std::string& reason);
  void Execute(Loaded loaded, action::StepRecord claimed, std::string actor);
  Status Finish(const action::StepKey& key, const std::string& execution_id,
                const RunOutcome& outcome,
                const std::function<Status(storage::SqlConnection&)>& also);
  bool SleepFor(TimeMs ms);
  void AutoLoop();
  void LeaseLoop();
  void StartThread(std::function<void()> work);

  storage::Database& database_;
  storage::SqlStepStore& steps_;
  storage::SqlEvidenceStore& evidence_;
  incident::IncidentService& incidents_;
  storage::SqlRunbookVersionStore* versions_;
  const Clock& clock_;
  StepRunnerDeps runner_;
  const StepServiceOptions options_;

  std::mutex threads_mu_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;  // GUARDED_BY(threads_mu_)
  struct RunThread {
    std::thread thread;
    std::shared_ptr<std::atomic<bool>> done;
  };
  std::vector<RunThread> runs_;  // GUARDED_BY(threads_mu_)
  std::thread auto_thread_;
  std::thread lease_thread_;

  std::mutex pinned_mu_;
  // Runbook versions parsed from the version store, by content hash (immutable once parsed).
  std::map<std::string, std::shared_ptr<const runbook::Runbook>> pinned_;  // GUARDED_BY(pinned_mu_)
  std::mutex in_flight_mu_;
  // The actions this process is running: "INC-n/step" → (key, execution id).
  std::map<std::string, std::pair<action::StepKey, std::string>>
      in_flight_;  // GUARDED_BY(in_flight_mu_)
};

}  // namespace vakt::stabilise
