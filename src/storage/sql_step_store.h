#pragma once

#include <functional>
#include <string>
#include <vector>

#include "action/step_state.h"
#include "storage/database.h"

namespace vakt::storage {

// SqlStepStore is the action::StepStore on the shared SQL of both engines (tables from
// schema/step_schema.cc). CompareAndSet is one transaction: it checks the stored version, writes
// the step row, appends the history events, votes and runs the new record adds (and the end of
// a run it finishes) and one audit leaf per appended event and vote — so a transition, an
// approval or a run start commits together with its audit record or not at all. The version
// check in `UPDATE … WHERE version = $n` decides concurrent changes: exactly one wins.
// Thread-safe (the Database serialises connection use).
class SqlStepStore final : public action::StepStore {
 public:
  explicit SqlStepStore(Database& database) : database_(database) {}

  Result<action::StepRecord> Create(action::StepRecord record) override;
  Result<action::StepRecord> Get(const action::StepKey& key) const override;
  Result<action::StepRecord> CompareAndSet(const action::StepRecord& next,
                                           std::uint64_t expected_version) override;
  // CompareAndSetWith is CompareAndSet that also runs `also` inside the same transaction (e.g.
  // enqueueing a notify step's messages), so the change and its side records commit together.
  Result<action::StepRecord> CompareAndSetWith(
      const action::StepRecord& next, std::uint64_t expected_version,
      const std::function<Status(SqlConnection&)>& also);
  Result<std::vector<action::StepRecord>> List(const std::string& incident_id) const override;

 private:
  Database& database_;
};

// StepAuditAction names the audit action of a step transition: "step.request", "step.approved",
// "step.run", "step.finish", "step.confirm", "step.skip", "step.outcome_unknown", "step.void".
std::string StepAuditAction(action::StepState from, action::StepState to);

}  // namespace vakt::storage
