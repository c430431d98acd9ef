#include "storage/sql_step_store.h"

#include <nlohmann/json.hpp>
#include <optional>

#include "storage/sql_audit_append.h"
#include "storage/write_transaction.h"

namespace vakt::storage {
namespace {

using action::ApprovalPolicy;
using action::ApprovalVote;
using action::StepEvent;
using action::StepKey;
using action::StepRecord;
using action::StepRun;
using action::StepState;

constexpr const char* kStepColumns =
    "incident_id, step_id, state, version, requires_approval, content_hash, approved_hash, "
    "execution_id, requested_by, requested_at, approval_policy, approval_expires_at, "
    "lease_owner, lease_expires_at, created_at, updated_at";

std::string PolicyJson(const ApprovalPolicy& policy) {
  return nlohmann::json{{"roles", policy.roles},
                        {"count", policy.count},
                        {"distinct_from_requester", policy.distinct_from_requester},
                        {"expires_ms", policy.expires_after_ms}}
      .dump();
}

Result<ApprovalPolicy> ParsePolicy(const std::string& text) {
  try {
    auto json = nlohmann::json::parse(text);
    ApprovalPolicy policy;
    policy.roles = json.at("roles").get<std::vector<std::string>>();
    policy.count = json.at("count").get<int>();
    policy.distinct_from_requester = json.at("distinct_from_requester").get<bool>();
    policy.expires_after_ms = json.at("expires_ms").get<TimeMs>();
    return policy;
  } catch (const std::exception& error) {
    return Status::Corruption(std::string("step approval policy: ") + error.what());
  }
}

Result<StepState> ReadState(const std::string& name) {
  auto state = action::ParseStepState(name);
  if (!state.ok()) return Status::Corruption("stored step state \"" + name + "\"");
  return *state;
}

std::vector<SqlValue> RowValues(const StepRecord& record) {
  return {record.key.incident_id,
          record.key.step_id,
          std::string(action::StepStateName(record.state)),
          static_cast<std::int64_t>(record.version),
          std::int64_t{record.requires_approval ? 1 : 0},
          record.content_hash,
          record.approved_action_hash,
          record.execution_id,
          record.requested_by,
          record.requested_at,
          PolicyJson(record.approval),
          record.approval_expires_at,
          record.lease_owner,
          record.lease_expires_at,
          record.created_at,
          record.updated_at};
}

Result<StepRecord> ReadStepRow(const SqlRow& row) {
  StepRecord record;
  record.key = {row.Text(0), row.Text(1)};
  VAKT_ASSIGN_OR_RETURN(record.state, ReadState(row.Text(2)));
  record.version = static_cast<std::uint64_t>(row.Int(3));
  record.requires_approval = row.Int(4) != 0;
  record.content_hash = row.Text(5);
  record.approved_action_hash = row.Text(6);
  record.execution_id = row.Text(7);
  record.requested_by = row.Text(8);
  record.requested_at = row.Int(9);
  VAKT_ASSIGN_OR_RETURN(record.approval, ParsePolicy(row.Text(10)));
  record.approval_expires_at = row.Int(11);
  record.lease_owner = row.Text(12);
  record.lease_expires_at = row.Int(13);
  record.created_at = row.Int(14);
  record.updated_at = row.Int(15);
  return record;
}

// LoadChildren fills history, votes and runs of `record` from their tables.
Status LoadChildren(SqlConnection& conn, StepRecord& record) {
  const std::vector<SqlValue> key = {record.key.incident_id, record.key.step_id};
  VAKT_ASSIGN_OR_RETURN(
      auto events,
      conn.Query("SELECT time, actor, from_state, to_state, reason FROM step_events "
                 "WHERE incident_id = $1 AND step_id = $2 ORDER BY seq",
                 key));
  for (const SqlRow& row : events) {
    StepEvent event;
    event.time = row.Int(0);
    event.actor = row.Text(1);
    VAKT_ASSIGN_OR_RETURN(event.from, ReadState(row.Text(2)));
    VAKT_ASSIGN_OR_RETURN(event.to, ReadState(row.Text(3)));
    event.reason = row.Text(4);
    record.history.push_back(std::move(event));
  }
  VAKT_ASSIGN_OR_RETURN(
      auto votes,
      conn.Query("SELECT actor, decision, content_hash, time, reason FROM step_approvals "
                 "WHERE incident_id = $1 AND step_id = $2 ORDER BY seq",
                 key));
  for (const SqlRow& row : votes) {
    record.votes.push_back({row.Text(0), row.Text(1) == "approve", row.Text(2), row.Int(3),
                            row.Text(4)});
  }
  VAKT_ASSIGN_OR_RETURN(
      auto runs,
      conn.Query("SELECT attempt, execution_id, started_at, finished_at, outcome, "
                 "output_excerpt, evidence FROM step_runs WHERE incident_id = $1 AND "
                 "step_id = $2 ORDER BY attempt",
                 key));
  for (const SqlRow& row : runs) {
    StepRun run;
    run.attempt = static_cast<int>(row.Int(0));
    run.execution_id = row.Text(1);
    run.started_at = row.Int(2);
    run.finished_at = row.Int(3);
    run.outcome = row.Text(4);
    run.output_excerpt = row.Text(5);
    try {
      run.evidence = nlohmann::json::parse(row.Text(6)).get<std::vector<std::string>>();
    } catch (const std::exception& error) {
      return Status::Corruption(std::string("step run evidence: ") + error.what());
    }
    record.runs.push_back(std::move(run));
  }
  return Status::Ok();
}

Result<std::optional<StepRecord>> LoadStep(SqlConnection& conn, const StepKey& key) {
  VAKT_ASSIGN_OR_RETURN(
      auto rows, conn.Query(std::string("SELECT ") + kStepColumns +
                                " FROM incident_steps WHERE incident_id = $1 AND step_id = $2",
                            {key.incident_id, key.step_id}));
  if (rows.empty()) return std::optional<StepRecord>();
  VAKT_ASSIGN_OR_RETURN(StepRecord record, ReadStepRow(rows.front()));
  VAKT_RETURN_IF_ERROR(LoadChildren(conn, record));
  return std::optional<StepRecord>(std::move(record));
}

std::string Subject(const StepKey& key) {
  return "step/" + key.incident_id + "/" + key.step_id;
}

Status AppendEvents(SqlConnection& conn, const StepRecord& record, size_t from_index) {
  for (size_t index = from_index; index < record.history.size(); ++index) {
    const StepEvent& event = record.history[index];
    VAKT_RETURN_IF_ERROR(
        conn.Query("INSERT INTO step_events (incident_id, step_id, seq, time, actor, from_state, "
                   "to_state, reason) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                   {record.key.incident_id, record.key.step_id, static_cast<std::int64_t>(index),
                    event.time, event.actor, std::string(action::StepStateName(event.from)),
                    std::string(action::StepStateName(event.to)), event.reason})
            .status());
    audit::AuditEvent audit_event;
    audit_event.actor = event.actor.empty() ? "system" : event.actor;
    audit_event.action = StepAuditAction(event.from, event.to);
    audit_event.subject = Subject(record.key);
    audit_event.details = {{"from", action::StepStateName(event.from)},
                           {"to", action::StepStateName(event.to)},
                           {"reason", event.reason},
                           {"execution_id", record.execution_id}};
    if (!record.content_hash.empty()) audit_event.digest = record.content_hash;
    VAKT_RETURN_IF_ERROR(AppendAuditEvent(conn, audit_event, event.time).status());
  }
  return Status::Ok();
}

Status AppendVotes(SqlConnection& conn, const StepRecord& record, size_t from_index) {
  for (size_t index = from_index; index < record.votes.size(); ++index) {
    const ApprovalVote& vote = record.votes[index];
    const std::string decision = vote.approve ? "approve" : "deny";
    VAKT_RETURN_IF_ERROR(
        conn.Query("INSERT INTO step_approvals (incident_id, step_id, seq, actor, decision, "
                   "content_hash, reason, time) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                   {record.key.incident_id, record.key.step_id, static_cast<std::int64_t>(index),
                    vote.actor, decision, vote.action_hash, vote.comment, vote.time})
            .status());
    audit::AuditEvent audit_event;
    audit_event.actor = vote.actor;
    audit_event.action = "step." + decision;
    audit_event.subject = Subject(record.key);
    audit_event.details = {{"reason", vote.comment}};
    audit_event.digest = vote.action_hash;
    VAKT_RETURN_IF_ERROR(AppendAuditEvent(conn, audit_event, vote.time).status());
  }
  return Status::Ok();
}

Status WriteRuns(SqlConnection& conn, const StepRecord& record, const StepRecord& stored) {
  for (size_t index = 0; index < record.runs.size(); ++index) {
    const StepRun& run = record.runs[index];
    const std::string evidence = nlohmann::json(run.evidence).dump();
    if (index < stored.runs.size()) {
      if (stored.runs[index] == run) continue;
      VAKT_RETURN_IF_ERROR(
          conn.Query("UPDATE step_runs SET finished_at = $1, outcome = $2, output_excerpt = $3, "
                     "evidence = $4 WHERE incident_id = $5 AND step_id = $6 AND attempt = $7",
                     {run.finished_at, run.outcome, run.output_excerpt, evidence,
                      record.key.incident_id, record.key.step_id,
                      static_cast<std::int64_t>(run.attempt)})
              .status());
      continue;
    }
    VAKT_RETURN_IF_ERROR(
        conn.Query("INSERT INTO step_runs (incident_id, step_id, attempt, execution_id, "
                   "started_at, finished_at, outcome, output_excerpt, evidence) VALUES ($1, $2, "
                   "$3, $4, $5, $6, $7, $8, $9)",
                   {record.key.incident_id, record.key.step_id,
                    static_cast<std::int64_t>(run.attempt), run.execution_id, run.started_at,
                    run.finished_at, run.outcome, run.output_excerpt, evidence})
            .status());
  }
  return Status::Ok();
}

// CheckAppendOnly refuses a change that rewrites history or votes (they only grow).
Status CheckAppendOnly(const StepRecord& next, const StepRecord& stored) {
  if (next.history.size() < stored.history.size() || next.votes.size() < stored.votes.size() ||
      next.runs.size() < stored.runs.size()) {
    return Status::InvalidArgument("step " + next.key.step_id +
                                   ": history, votes and runs may only grow");
  }
  return Status::Ok();
}

}  // namespace

std::string StepAuditAction(StepState from, StepState to) {
  switch (to) {
    case StepState::kAwaitingApproval:
      return from == StepState::kApproved ? "step.void" : "step.request";
    case StepState::kApproved:
      return "step.approved";
    case StepState::kRunning:
      return "step.run";
    case StepState::kSkipped:
      return "step.skip";
    case StepState::kOutcomeUnknown:
      return "step.outcome_unknown";
    case StepState::kSucceeded:
    case StepState::kFailed:
      return from == StepState::kRunning ? "step.finish" : "step.confirm";
    case StepState::kTimedOut:
      return "step.finish";
    case StepState::kPending:
      return "step.void";
  }
  return "step.transition";
}

Result<StepRecord> SqlStepStore::Create(StepRecord record) {
  record.version = 1;
  Status status = RunInWriteTransaction(database_, [&](SqlConnection& conn) -> Status {
    VAKT_ASSIGN_OR_RETURN(auto inserted,
                          conn.Query(std::string("INSERT INTO incident_steps (") + kStepColumns +
                                         ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, "
                                         "$11, $12, $13, $14, $15, $16) ON CONFLICT "
                                         "(incident_id, step_id) DO NOTHING RETURNING version",
                                     RowValues(record)));
    if (inserted.empty()) {
      return Status::AlreadyExists("step " + record.key.incident_id + "/" + record.key.step_id +
                                   " already exists");
    }
    const StepRecord empty;
    VAKT_RETURN_IF_ERROR(AppendVotes(conn, record, 0));
    VAKT_RETURN_IF_ERROR(AppendEvents(conn, record, 0));
    VAKT_RETURN_IF_ERROR(WriteRuns(conn, record, empty));
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return record;
}

Result<StepRecord> SqlStepStore::Get(const StepKey& key) const {
  std::optional<StepRecord> found;
  Status status = database_.RunRead([&](SqlConnection& conn) -> Status {
    VAKT_ASSIGN_OR_RETURN(found, LoadStep(conn, key));
    return Status::Ok();
  });
  if (!status.ok()) return status;
  if (!found) return Status::NotFound("step " + key.incident_id + "/" + key.step_id + " not found");
  return *found;
}

Result<StepRecord> SqlStepStore::CompareAndSet(const StepRecord& next,
                                               std::uint64_t expected_version) {
  return CompareAndSetWith(next, expected_version, nullptr);
}

Result<StepRecord> SqlStepStore::CompareAndSetWith(
    const StepRecord& next, std::uint64_t expected_version,
    const std::function<Status(SqlConnection&)>& also) {
  StepRecord stored_next = next;
  stored_next.version = expected_version + 1;
  Status status = RunInWriteTransaction(database_, [&](SqlConnection& conn) -> Status {
    VAKT_ASSIGN_OR_RETURN(auto stored, LoadStep(conn, next.key));
    if (!stored) return Status::NotFound("step " + next.key.step_id + " not found");
    if (stored->version != expected_version) {
      return Status::FailedPrecondition("step " + next.key.step_id + " changed concurrently");
    }
    VAKT_RETURN_IF_ERROR(CheckAppendOnly(next, *stored));
    std::vector<SqlValue> values = RowValues(stored_next);
    values.push_back(static_cast<std::int64_t>(expected_version));
    // The version predicate is the compare-and-set itself: a writer on another connection (or
    // another vakt instance on PostgreSQL) that got there first leaves no row to update.
    VAKT_ASSIGN_OR_RETURN(
        auto updated,
        conn.Query("UPDATE incident_steps SET state = $3, version = $4, requires_approval = $5, "
                   "content_hash = $6, approved_hash = $7, execution_id = $8, requested_by = $9, "
                   "requested_at = $10, approval_policy = $11, approval_expires_at = $12, "
                   "lease_owner = $13, lease_expires_at = $14, created_at = $15, "
                   "updated_at = $16 WHERE incident_id = $1 AND step_id = $2 AND version = $17 "
                   "RETURNING version",
                   values));
    if (updated.empty()) {
      return Status::FailedPrecondition("step " + next.key.step_id + " changed concurrently");
    }
    // Votes before transitions: the audit log reads "approve" then "approved".
    VAKT_RETURN_IF_ERROR(AppendVotes(conn, stored_next, stored->votes.size()));
    VAKT_RETURN_IF_ERROR(AppendEvents(conn, stored_next, stored->history.size()));
    VAKT_RETURN_IF_ERROR(WriteRuns(conn, stored_next, *stored));
    if (also) VAKT_RETURN_IF_ERROR(also(conn));
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return stored_next;
}

Result<std::vector<StepRecord>> SqlStepStore::List(const std::string& incident_id) const {
  std::vector<StepRecord> out;
  Status status = database_.RunRead([&](SqlConnection& conn) -> Status {
    std::string sql = std::string("SELECT ") + kStepColumns + " FROM incident_steps";
    std::vector<SqlValue> params;
    if (!incident_id.empty()) {
      sql += " WHERE incident_id = $1";
      params.push_back(incident_id);
    }
    sql += " ORDER BY incident_id, step_id";
    VAKT_ASSIGN_OR_RETURN(auto rows, conn.Query(sql, params));
    for (const SqlRow& row : rows) {
      VAKT_ASSIGN_OR_RETURN(StepRecord record, ReadStepRow(row));
      VAKT_RETURN_IF_ERROR(LoadChildren(conn, record));
      out.push_back(std::move(record));
    }
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return out;
}

}  // namespace vakt::storage
