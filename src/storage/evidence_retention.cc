#include "storage/evidence_retention.h"

#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "audit/audit_record.h"
#include "storage/sql_audit_append.h"
#include "storage/write_transaction.h"

namespace vakt::storage {
namespace {

std::string Subject(const std::string& incident_id) { return "incident/" + incident_id; }

// RecordsOf returns the parsed audit records of `action` about the incident, in log order.
Result<std::vector<audit::AuditRecord>> RecordsOf(SqlConnection& conn,
                                                  const std::string& incident_id,
                                                  const std::string& action) {
  VAKT_ASSIGN_OR_RETURN(
      auto rows, conn.Query("SELECT data FROM audit_leaves WHERE subject = $1 AND action = $2 "
                            "ORDER BY seq",
                            {Subject(incident_id), action}));
  std::vector<audit::AuditRecord> out;
  for (const SqlRow& row : rows) {
    VAKT_ASSIGN_OR_RETURN(auto record, audit::ParseAuditRecord(row.Text(0)));
    out.push_back(std::move(record));
  }
  return out;
}

Result<bool> IsHeld(SqlConnection& conn, const std::string& incident_id) {
  VAKT_ASSIGN_OR_RETURN(auto holds, RecordsOf(conn, incident_id, evidence::kLegalHoldAction));
  if (holds.empty()) return false;
  auto hold = holds.back().event.details.find("hold");
  return hold != holds.back().event.details.end() && hold->is_boolean() && hold->get<bool>();
}

// ReadRetention is the one reading of classes and hold, shared by the sweep and the listing.
Result<IncidentRetention> ReadRetention(SqlConnection& conn, const std::string& incident_id) {
  IncidentRetention out;
  VAKT_ASSIGN_OR_RETURN(auto set, RecordsOf(conn, incident_id, evidence::kRetentionSetAction));
  for (const auto& record : set) {
    auto name = record.event.details.find("class");
    if (name != record.event.details.end() && name->is_string()) {
      out.class_of[record.event.digest] = name->get<std::string>();
    }
  }
  VAKT_ASSIGN_OR_RETURN(out.legal_hold, IsHeld(conn, incident_id));
  return out;
}

Status RequireReason(const std::string& reason) {
  if (reason.empty()) return Status::InvalidArgument("reason: required");
  if (reason.size() > 2000) return Status::InvalidArgument("reason: at most 2000 bytes");
  return Status::Ok();
}

}  // namespace

Result<IncidentRetention> ReadIncidentRetention(Database& database,
                                                const std::string& incident_id) {
  IncidentRetention out;
  Status read = database.RunRead([&](SqlConnection& conn) -> Status {
    VAKT_ASSIGN_OR_RETURN(out, ReadRetention(conn, incident_id));
    return Status::Ok();
  });
  if (!read.ok()) return read;
  return out;
}

Result<std::uint64_t> SetEvidenceRetentionClass(Database& database, const std::string& incident_id,
                                                const std::string& sha256,
                                                const std::string& retention_class,
                                                const evidence::RetentionClasses& classes,
                                                const std::string& actor, const std::string& reason,
                                                TimeMs now) {
  if (!evidence::IsValidIncidentId(incident_id))
    return Status::InvalidArgument("incident: malformed");
  if (!evidence::IsValidSha256Hex(sha256)) return Status::InvalidArgument("sha256: malformed");
  if (!classes.contains(retention_class)) {
    return Status::InvalidArgument("class: '" + retention_class + "' is not a retention class");
  }
  VAKT_RETURN_IF_ERROR(RequireReason(reason));
  std::uint64_t seq = 0;
  Status status = RunInWriteTransaction(database, [&](SqlConnection& conn) -> Status {
    VAKT_ASSIGN_OR_RETURN(
        auto rows, conn.Query("SELECT 1 FROM evidence WHERE incident_id = $1 AND sha256 = $2",
                              {incident_id, sha256}));
    if (rows.empty()) return Status::NotFound(incident_id + " never captured " + sha256);
    audit::AuditEvent event{actor,
                            evidence::kRetentionSetAction,
                            Subject(incident_id),
                            {{"class", retention_class}, {"reason", reason}},
                            sha256};
    VAKT_ASSIGN_OR_RETURN(seq, AppendAuditEvent(conn, event, now));
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return seq;
}

Result<std::uint64_t> SetEvidenceLegalHold(Database& database, const std::string& incident_id,
                                           bool hold, const std::string& actor,
                                           const std::string& reason, TimeMs now) {
  if (!evidence::IsValidIncidentId(incident_id))
    return Status::InvalidArgument("incident: malformed");
  VAKT_RETURN_IF_ERROR(RequireReason(reason));
  std::uint64_t seq = 0;
  Status status = RunInWriteTransaction(database, [&](SqlConnection& conn) -> Status {
    audit::AuditEvent event{actor,
                            evidence::kLegalHoldAction,
                            Subject(incident_id),
                            {{"hold", hold}, {"reason", reason}},
                            ""};
    VAKT_ASSIGN_OR_RETURN(seq, AppendAuditEvent(conn, event, now));
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return seq;
}

Result<RetentionSweepReport> SweepEvidenceRetention(Database& database,
                                                    evidence::FileEvidenceStore& blobs,
                                                    const evidence::RetentionClasses& classes,
                                                    const std::string& actor, TimeMs now) {
  VAKT_RETURN_IF_ERROR(evidence::ValidateRetentionClasses(classes));
  // Every capture of every blob, with its class from the incident's records.
  std::map<std::string, std::vector<evidence::CaptureRetention>> captures;
  std::map<std::string, std::set<std::string>> purged_in;  // blob -> incidents with a purge record
  std::set<std::string> held;
  Status read = database.RunRead([&](SqlConnection& conn) -> Status {
    VAKT_ASSIGN_OR_RETURN(
        auto rows,
        conn.Query("SELECT incident_id, sha256, created_at FROM evidence ORDER BY id", {}));
    std::map<std::string, std::map<std::string, std::string>>
        class_of;  // incident -> blob -> class
    std::set<std::string> incidents;
    for (const SqlRow& row : rows) incidents.insert(row.Text(0));
    for (const std::string& incident : incidents) {
      VAKT_ASSIGN_OR_RETURN(IncidentRetention retention, ReadRetention(conn, incident));
      class_of[incident] = std::move(retention.class_of);
      if (retention.legal_hold) held.insert(incident);
      VAKT_ASSIGN_OR_RETURN(auto purges, RecordsOf(conn, incident, evidence::kPurgeAction));
      for (const auto& record : purges) purged_in[record.event.digest].insert(incident);
    }
    for (const SqlRow& row : rows) {
      evidence::CaptureRetention capture;
      capture.incident_id = row.Text(0);
      capture.captured_at = row.Int(2);
      auto by_blob = class_of[capture.incident_id].find(row.Text(1));
      if (by_blob != class_of[capture.incident_id].end()) capture.retention_class = by_blob->second;
      captures[row.Text(1)].push_back(std::move(capture));
    }
    return Status::Ok();
  });
  if (!read.ok()) return read;

  RetentionSweepReport report;
  for (const auto& [sha256, blob_captures] : captures) {
    evidence::PurgeDecision decision = evidence::DecidePurge(blob_captures, held, classes, now);
    std::set<std::string> incidents;
    for (const auto& capture : blob_captures) incidents.insert(capture.incident_id);
    const bool recorded_everywhere = purged_in[sha256] == incidents;
    if (!decision.purge || recorded_everywhere) {
      report.kept.push_back({sha256, recorded_everywhere, decision});
      continue;
    }
    Status status = RunInWriteTransaction(database, [&](SqlConnection& conn) -> Status {
      // Under the audit append lock a hold recorded before now is visible and none can slip in.
      VAKT_RETURN_IF_ERROR(LockAuditAppends(conn));
      for (const std::string& incident : incidents) {
        VAKT_ASSIGN_OR_RETURN(bool is_held, IsHeld(conn, incident));
        if (is_held) return Status::FailedPrecondition("legal hold on " + incident);
      }
      for (const std::string& incident : incidents) {
        // Re-read under the lock: another instance sharing the database may have purged this
        // blob since the read above, and its purge must not be recorded twice.
        VAKT_ASSIGN_OR_RETURN(auto purges, RecordsOf(conn, incident, evidence::kPurgeAction));
        for (const auto& record : purges) purged_in[record.event.digest].insert(incident);
        if (purged_in[sha256].contains(incident)) continue;
        audit::AuditEvent event{actor,
                                evidence::kPurgeAction,
                                Subject(incident),
                                {{"reason", decision.reason}},
                                sha256};
        VAKT_RETURN_IF_ERROR(AppendAuditEvent(conn, event, now).status());
      }
      // Deleted last, so a failure before this point rolls the records back with the blob intact.
      VAKT_RETURN_IF_ERROR(blobs.DeleteBlob(sha256).status());
      return Status::Ok();
    });
    if (status.code() == StatusCode::kFailedPrecondition) {
      report.kept.push_back({sha256, false, {false, status.message()}});
      continue;
    }
    if (!status.ok()) return status;
    report.purged.push_back(sha256);
  }
  return report;
}

}  // namespace vakt::storage
