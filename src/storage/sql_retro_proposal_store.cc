#include "storage/sql_retro_proposal_store.h"

#include "storage/sql_audit_append.h"
#include "storage/write_transaction.h"

namespace vakt::storage {
namespace {

constexpr const char* kProposalColumns =
    "id, runbook_id, incident_id, origin, author, message, base_hash, patch, proposed_content, "
    "state, reviewer, review_comment, created_at, reviewed_at, applied_at, applied_version";

RunbookProposal ReadProposal(const SqlRow& row) {
  RunbookProposal proposal;
  proposal.id = row.Int(0);
  proposal.runbook_id = row.Text(1);
  proposal.incident_id = row.Int(2);
  proposal.origin = row.Text(3);
  proposal.author = row.Text(4);
  proposal.message = row.Text(5);
  proposal.base_hash = row.Text(6);
  proposal.patch = row.Text(7);
  proposal.proposed_content = row.Text(8);
  proposal.state = row.Text(9);
  proposal.reviewer = row.Text(10);
  proposal.review_comment = row.Text(11);
  proposal.created_at = row.Int(12);
  proposal.reviewed_at = row.Int(13);
  proposal.applied_at = row.Int(14);
  proposal.applied_version = row.Int(15);
  return proposal;
}

Result<RunbookProposal> FindProposal(SqlConnection& conn, std::int64_t id) {
  VAKT_ASSIGN_OR_RETURN(auto rows, conn.Query(std::string("SELECT ") + kProposalColumns +
                                                  " FROM runbook_proposals WHERE id = $1",
                                              {id}));
  if (rows.empty()) return Status::NotFound("no runbook proposal " + std::to_string(id));
  return ReadProposal(rows[0]);
}

Status Audit(SqlConnection& conn, const std::string& actor, const std::string& action,
             const RunbookProposal& proposal, nlohmann::json details, TimeMs now,
             const std::string& digest) {
  audit::AuditEvent event;
  event.actor = actor.empty() ? "system" : actor;
  event.action = action;
  event.subject = "runbook/" + proposal.runbook_id;
  details["proposal_id"] = proposal.id;
  details["incident_id"] = proposal.incident_id;
  event.details = std::move(details);
  event.digest = digest;
  return AppendAuditEvent(conn, event, now).status();
}

}  // namespace

Result<RunbookProposal> SqlRetroProposalStore::Create(const RunbookProposal& draft, TimeMs now) {
  RunbookProposal stored = draft;
  stored.state = "pending";
  stored.created_at = now;
  Status status = RunInWriteTransaction(database_, [&](SqlConnection& conn) -> Status {
    VAKT_ASSIGN_OR_RETURN(
        auto rows,
        conn.Query("INSERT INTO runbook_proposals (runbook_id, incident_id, origin, author, "
                   "message, base_hash, patch, proposed_content, state, reviewer, "
                   "review_comment, created_at, reviewed_at, applied_at, applied_version) VALUES "
                   "($1, $2, $3, $4, $5, $6, $7, $8, 'pending', '', '', $9, 0, 0, 0) RETURNING id",
                   {draft.runbook_id, draft.incident_id, draft.origin, draft.author, draft.message,
                    draft.base_hash, draft.patch, draft.proposed_content, now}));
    stored.id = rows.at(0).Int(0);
    VAKT_RETURN_IF_ERROR(Audit(conn, draft.author, "runbook.propose", stored,
                               {{"origin", draft.origin}, {"message", draft.message}}, now, ""));
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return stored;
}

Result<RunbookProposal> SqlRetroProposalStore::Get(std::int64_t id) {
  Result<RunbookProposal> found = Status::NotFound("no runbook proposal " + std::to_string(id));
  Status status = database_.RunRead([&](SqlConnection& conn) -> Status {
    found = FindProposal(conn, id);
    return found.ok() || found.status().code() == StatusCode::kNotFound ? Status::Ok()
                                                                        : found.status();
  });
  if (!status.ok()) return status;
  return found;
}

Result<std::vector<RunbookProposal>> SqlRetroProposalStore::List(const std::string& runbook_id,
                                                                 size_t limit) {
  std::vector<RunbookProposal> proposals;
  Status status = database_.RunRead([&](SqlConnection& conn) -> Status {
    VAKT_ASSIGN_OR_RETURN(
        auto rows, conn.Query(std::string("SELECT ") + kProposalColumns +
                                  " FROM runbook_proposals WHERE ($1 = '' OR runbook_id = $1) "
                                  "ORDER BY id DESC LIMIT $2",
                              {runbook_id, static_cast<std::int64_t>(limit)}));
    for (const SqlRow& row : rows) proposals.push_back(ReadProposal(row));
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return proposals;
}

Result<RunbookProposal> SqlRetroProposalStore::Review(std::int64_t id, bool approve,
                                                      const std::string& reviewer,
                                                      const std::string& comment, TimeMs now) {
  RunbookProposal reviewed;
  Status status = RunInWriteTransaction(database_, [&](SqlConnection& conn) -> Status {
    VAKT_ASSIGN_OR_RETURN(reviewed, FindProposal(conn, id));
    if (reviewed.state != "pending") {
      return Status::FailedPrecondition("proposal " + std::to_string(id) + " is " + reviewed.state +
                                        ", not pending");
    }
    if (reviewed.author == reviewer) {
      return Status::FailedPrecondition("proposal " + std::to_string(id) +
                                        " must be reviewed by someone other than its author");
    }
    reviewed.state = approve ? "approved" : "rejected";
    reviewed.reviewer = reviewer;
    reviewed.review_comment = comment;
    reviewed.reviewed_at = now;
    VAKT_RETURN_IF_ERROR(conn.Query("UPDATE runbook_proposals SET state = $1, reviewer = $2, "
                                    "review_comment = $3, reviewed_at = $4 WHERE id = $5 AND "
                                    "state = 'pending'",
                                    {reviewed.state, reviewer, comment, now, id})
                             .status());
    VAKT_RETURN_IF_ERROR(Audit(conn, reviewer,
                               approve ? "runbook.proposal_approve" : "runbook.proposal_reject",
                               reviewed, {{"comment", comment}}, now, ""));
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return reviewed;
}

Result<RunbookProposal> SqlRetroProposalStore::MarkApplied(std::int64_t id,
                                                           const RunbookVersion& version,
                                                           const std::string& actor, TimeMs now) {
  RunbookProposal applied;
  Status status = RunInWriteTransaction(database_, [&](SqlConnection& conn) -> Status {
    VAKT_ASSIGN_OR_RETURN(applied, FindProposal(conn, id));
    if (applied.state != "approved") {
      return Status::FailedPrecondition("proposal " + std::to_string(id) + " is " + applied.state +
                                        "; only an approved proposal can be applied");
    }
    VAKT_ASSIGN_OR_RETURN(auto recorded, RecordRunbookVersionIn(conn, version, now));
    if (!recorded) {
      return Status::FailedPrecondition("proposal " + std::to_string(id) +
                                        " changes nothing: the runbook already has this content");
    }
    applied.state = "applied";
    applied.applied_at = now;
    applied.applied_version = recorded->version;
    VAKT_RETURN_IF_ERROR(conn.Query("UPDATE runbook_proposals SET state = 'applied', applied_at = "
                                    "$1, applied_version = $2 WHERE id = $3",
                                    {now, recorded->version, id})
                             .status());
    VAKT_RETURN_IF_ERROR(Audit(conn, actor, "runbook.proposal_apply", applied,
                               {{"version", recorded->version}}, now, recorded->content_hash));
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return applied;
}

}  // namespace vakt::storage
