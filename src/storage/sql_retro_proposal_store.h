#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "storage/database.h"
#include "storage/sql_runbook_version_store.h"

namespace vakt::storage {

// RunbookProposal is a proposed runbook change from a retro, a drill or by hand (table
// runbook_proposals, schema v7).
struct RunbookProposal {
  std::int64_t id = 0;
  std::string runbook_id;
  std::int64_t incident_id = 0;  // 0 = none
  std::string origin;            // retro | drill | manual
  std::string author;
  std::string message;
  std::string base_hash;
  std::string patch;  // JSON text of the submitted operations, "null" for full YAML
  std::string proposed_content;
  std::string state = "pending";  // pending | approved | rejected | applied
  std::string reviewer;
  std::string review_comment;
  TimeMs created_at = 0;
  TimeMs reviewed_at = 0;
  TimeMs applied_at = 0;
  std::int64_t applied_version = 0;
};

// SqlRetroProposalStore keeps runbook change proposals; every change is audited in its
// transaction (subject runbook/ID). Engine-neutral. Thread-safe.
class SqlRetroProposalStore {
 public:
  explicit SqlRetroProposalStore(Database& database) : database_(database) {}

  Result<RunbookProposal> Create(const RunbookProposal& draft, TimeMs now);
  Result<RunbookProposal> Get(std::int64_t id);
  // List returns proposals newest first; `runbook_id` "" for all.
  Result<std::vector<RunbookProposal>> List(const std::string& runbook_id, size_t limit);
  // Review moves a pending proposal to approved or rejected. FailedPrecondition when it is not
  // pending or the reviewer is its author (a change needs a second person).
  Result<RunbookProposal> Review(std::int64_t id, bool approve, const std::string& reviewer,
                                 const std::string& comment, TimeMs now);
  // MarkApplied records `version` (source proposal) and marks the approved proposal applied, in
  // one transaction. FailedPrecondition unless the proposal is approved.
  Result<RunbookProposal> MarkApplied(std::int64_t id, const RunbookVersion& version,
                                      const std::string& actor, TimeMs now);

 private:
  Database& database_;
};

}  // namespace vakt::storage
