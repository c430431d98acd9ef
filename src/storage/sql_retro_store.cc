#include "storage/sql_retro_store.h"

#include "storage/sql_audit_append.h"
#include "storage/write_transaction.h"

namespace vakt::storage {
namespace {

constexpr const char* kRetroColumns =
    "incident_id, state, opened_at, updated_at, completed_at, completed_by, summary, "
    "root_cause_category, contributing_factors";

Result<StoredRetro> ReadRetro(const SqlRow& row) {
  StoredRetro retro;
  retro.incident_id = row.Int(0);
  retro.state = row.Text(1);
  retro.opened_at = row.Int(2);
  retro.updated_at = row.Int(3);
  retro.completed_at = row.Int(4);
  retro.completed_by = row.Text(5);
  retro.summary = row.Text(6);
  retro.root_cause_category = row.Text(7);
  auto factors = nlohmann::json::parse(row.Text(8), nullptr, false);
  if (!factors.is_array()) return Status::Corruption("retro contributing_factors is not a JSON array");
  for (const auto& factor : factors) {
    if (!factor.is_string()) return Status::Corruption("retro contributing factor is not a string");
    retro.contributing_factors.push_back(factor.get<std::string>());
  }
  return retro;
}

std::string Subject(std::int64_t incident_id) { return "incident/INC-" + std::to_string(incident_id); }

Status Audit(SqlConnection& conn, const std::string& actor, const std::string& action,
             const std::string& subject, nlohmann::json details, TimeMs now) {
  audit::AuditEvent event;
  event.actor = actor.empty() ? "system" : actor;
  event.action = action;
  event.subject = subject;
  event.details = std::move(details);
  return AppendAuditEvent(conn, event, now).status();
}

Result<std::optional<StoredRetro>> Find(SqlConnection& conn, std::int64_t incident_id) {
  VAKT_ASSIGN_OR_RETURN(auto rows, conn.Query(std::string("SELECT ") + kRetroColumns +
                                                  " FROM retros WHERE incident_id = $1",
                                              {incident_id}));
  if (rows.empty()) return std::optional<StoredRetro>();
  VAKT_ASSIGN_OR_RETURN(StoredRetro retro, ReadRetro(rows[0]));
  return std::optional<StoredRetro>(std::move(retro));
}

Status NoRetro(std::int64_t incident_id) {
  return Status::NotFound("INC-" + std::to_string(incident_id) + " has no retro (it opens when the incident resolves)");
}

}  // namespace

Result<StoredRetro> SqlRetroStore::Open(std::int64_t incident_id, const std::string& actor,
                                        TimeMs now, const nlohmann::json& details) {
  StoredRetro retro;
  Status status = RunInWriteTransaction(database_, [&](SqlConnection& conn) -> Status {
    VAKT_ASSIGN_OR_RETURN(auto existing, Find(conn, incident_id));
    if (existing) {
      retro = *existing;
      return Status::Ok();  // nothing to write; the transaction rolls back empty
    }
    retro = StoredRetro{};
    retro.incident_id = incident_id;
    retro.opened_at = now;
    retro.updated_at = now;
    // PostgreSQL: another instance may insert between the read above and this insert.
    VAKT_ASSIGN_OR_RETURN(
        auto inserted,
        conn.Query("INSERT INTO retros (incident_id, state, opened_at, updated_at, completed_at, "
                   "completed_by, summary, root_cause_category, contributing_factors) VALUES ($1, "
                   "'open', $2, $2, 0, '', '', '', '[]') ON CONFLICT (incident_id) DO NOTHING "
                   "RETURNING incident_id",
                   {incident_id, now}));
    if (inserted.empty()) {
      VAKT_ASSIGN_OR_RETURN(auto raced, Find(conn, incident_id));
      if (raced) retro = *raced;
      return Status::Ok();
    }
    VAKT_RETURN_IF_ERROR(Audit(conn, actor, "retro.open", Subject(incident_id),
                               details.is_object() ? details : nlohmann::json::object(), now));
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return retro;
}

Result<std::vector<std::int64_t>> SqlRetroStore::ListResolvedWithoutRetro(size_t limit) {
  std::vector<std::int64_t> ids;
  Status status = database_.RunRead([&](SqlConnection& conn) -> Status {
    VAKT_ASSIGN_OR_RETURN(
        auto rows, conn.Query("SELECT i.id FROM incidents i WHERE i.resolved_at > 0 AND NOT EXISTS "
                              "(SELECT 1 FROM retros r WHERE r.incident_id = i.id) ORDER BY i.id "
                              "LIMIT $1",
                              {static_cast<std::int64_t>(limit)}));
    for (const SqlRow& row : rows) ids.push_back(row.Int(0));
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return ids;
}

Result<StoredRetro> SqlRetroStore::Get(std::int64_t incident_id) {
  Result<StoredRetro> found = NoRetro(incident_id);
  Status status = database_.RunRead([&](SqlConnection& conn) -> Status {
    VAKT_ASSIGN_OR_RETURN(auto retro, Find(conn, incident_id));
    if (retro) found = std::move(*retro);
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return found;
}

Result<StoredRetro> SqlRetroStore::Update(const StoredRetro& next, const std::string& actor,
                                          TimeMs now) {
  StoredRetro updated;
  Status status = RunInWriteTransaction(database_, [&](SqlConnection& conn) -> Status {
    VAKT_ASSIGN_OR_RETURN(auto current, Find(conn, next.incident_id));
    if (!current) return NoRetro(next.incident_id);
    if (current->state == "completed") {
      return Status::FailedPrecondition("the retro of INC-" + std::to_string(next.incident_id) +
                                        " is completed and can no longer change");
    }
    updated = *current;
    updated.summary = next.summary;
    updated.root_cause_category = next.root_cause_category;
    updated.contributing_factors = next.contributing_factors;
    updated.updated_at = now;
    VAKT_RETURN_IF_ERROR(
        conn.Query("UPDATE retros SET summary = $1, root_cause_category = $2, "
                   "contributing_factors = $3, updated_at = $4 WHERE incident_id = $5",
                   {updated.summary, updated.root_cause_category,
                    nlohmann::json(updated.contributing_factors).dump(), now, next.incident_id})
            .status());
    VAKT_RETURN_IF_ERROR(Audit(conn, actor, "retro.update", Subject(next.incident_id),
                               {{"root_cause_category", updated.root_cause_category},
                                {"contributing_factors", updated.contributing_factors},
                                {"summary", updated.summary}},
                               now));
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return updated;
}

Result<StoredRetro> SqlRetroStore::Complete(std::int64_t incident_id, const std::string& actor,
                                            TimeMs now) {
  StoredRetro completed;
  Status status = RunInWriteTransaction(database_, [&](SqlConnection& conn) -> Status {
    VAKT_ASSIGN_OR_RETURN(auto current, Find(conn, incident_id));
    if (!current) return NoRetro(incident_id);
    if (current->state == "completed") {
      return Status::FailedPrecondition("the retro of INC-" + std::to_string(incident_id) +
                                        " is already completed");
    }
    completed = *current;
    completed.state = "completed";
    completed.completed_at = now;
    completed.completed_by = actor;
    completed.updated_at = now;
    VAKT_RETURN_IF_ERROR(conn.Query("UPDATE retros SET state = 'completed', completed_at = $1, "
                                    "completed_by = $2, updated_at = $1 WHERE incident_id = $3 "
                                    "AND state = 'open'",
                                    {now, actor, incident_id})
                             .status());
    VAKT_RETURN_IF_ERROR(Audit(conn, actor, "retro.complete", Subject(incident_id), {}, now));
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return completed;
}

Result<RetroActionItem> SqlRetroStore::AddActionItem(const RetroActionItem& item, TimeMs now) {
  RetroActionItem stored = item;
  stored.created_at = now;
  Status status = RunInWriteTransaction(database_, [&](SqlConnection& conn) -> Status {
    VAKT_ASSIGN_OR_RETURN(auto current, Find(conn, item.incident_id));
    if (!current) return NoRetro(item.incident_id);
    VAKT_ASSIGN_OR_RETURN(
        auto rows,
        conn.Query("INSERT INTO retro_action_items (incident_id, title, owner, due_date, status, "
                   "created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                   {item.incident_id, item.title, item.owner, item.due_date, item.status,
                    item.created_by, now}));
    stored.id = rows.at(0).Int(0);
    VAKT_RETURN_IF_ERROR(Audit(conn, item.created_by, "retro.action_item",
                               Subject(item.incident_id),
                               {{"id", stored.id},
                                {"title", item.title},
                                {"owner", item.owner},
                                {"due_date", item.due_date}},
                               now));
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return stored;
}

Result<std::vector<RetroActionItem>> SqlRetroStore::ListActionItems(std::int64_t incident_id) {
  std::vector<RetroActionItem> items;
  Status status = database_.RunRead([&](SqlConnection& conn) -> Status {
    VAKT_ASSIGN_OR_RETURN(
        auto rows, conn.Query("SELECT id, incident_id, title, owner, due_date, status, "
                              "created_by, created_at FROM retro_action_items WHERE "
                              "incident_id = $1 ORDER BY id",
                              {incident_id}));
    for (const SqlRow& row : rows) {
      items.push_back({row.Int(0), row.Int(1), row.Text(2), row.Text(3), row.Text(4), row.Text(5),
                       row.Text(6), row.Int(7)});
    }
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return items;
}

Result<StepAnnotation> SqlRetroStore::AddAnnotation(const StepAnnotation& annotation, TimeMs now) {
  StepAnnotation stored = annotation;
  stored.created_at = now;
  Status status = RunInWriteTransaction(database_, [&](SqlConnection& conn) -> Status {
    VAKT_ASSIGN_OR_RETURN(
        auto rows,
        conn.Query("INSERT INTO step_annotations (incident_id, step_id, kind, text, author, "
                   "created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                   {annotation.incident_id, annotation.step_id, annotation.kind, annotation.text,
                    annotation.author, now}));
    stored.id = rows.at(0).Int(0);
    VAKT_RETURN_IF_ERROR(Audit(
        conn, annotation.author, "step.annotate",
        "step/INC-" + std::to_string(annotation.incident_id) + "/" + annotation.step_id,
        {{"id", stored.id}, {"kind", annotation.kind}, {"text", annotation.text}}, now));
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return stored;
}

Result<std::vector<StepAnnotation>> SqlRetroStore::ListAnnotations(std::int64_t incident_id) {
  std::vector<StepAnnotation> annotations;
  Status status = database_.RunRead([&](SqlConnection& conn) -> Status {
    VAKT_ASSIGN_OR_RETURN(auto rows,
                          conn.Query("SELECT id, incident_id, step_id, kind, text, author, "
                                     "created_at FROM step_annotations WHERE incident_id = $1 "
                                     "ORDER BY id",
                                     {incident_id}));
    for (const SqlRow& row : rows) {
      annotations.push_back({row.Int(0), row.Int(1), row.Text(2), row.Text(3), row.Text(4),
                             row.Text(5), row.Int(6)});
    }
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return annotations;
}

Result<std::vector<AuditLeafRow>> SqlRetroStore::IncidentAuditTrail(std::int64_t incident_id,
                                                                    size_t limit) {
  std::vector<AuditLeafRow> leaves;
  const std::string key = "INC-" + std::to_string(incident_id);
  Status status = database_.RunRead([&](SqlConnection& conn) -> Status {
    // "step/INC-1/%" cannot match INC-10's steps: the slash follows the number.
    VAKT_ASSIGN_OR_RETURN(
        auto rows,
        conn.Query("SELECT seq, time, action, subject, data FROM audit_leaves WHERE subject = $1 "
                   "OR subject LIKE $2 OR subject IN (SELECT 'notification/' || idempotency_key "
                   "FROM notification_outbox WHERE incident_id = $3) ORDER BY seq LIMIT $4",
                   {"incident/" + key, "step/" + key + "/%", incident_id,
                    static_cast<std::int64_t>(limit)}));
    for (const SqlRow& row : rows) {
      leaves.push_back({row.Int(0), row.Int(1), row.Text(2), row.Text(3), row.Text(4)});
    }
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return leaves;
}

}  // namespace vakt::storage
