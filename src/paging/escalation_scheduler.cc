#include "paging/escalation_scheduler.h"

#include <spdlog/spdlog.h>

#include "escalation/escalation_engine.h"
#include "escalation/escalation_state.h"
#include "paging/page_messages.h"
#include "storage/sql_audit_append.h"
#include "storage/sql_outbox.h"
#include "storage/sql_page_store.h"

namespace vakt::paging {
namespace {

using storage::EscalationTimer;
using storage::SqlConnection;
using storage::SqlTransaction;

// kNoPolicy marks an incident whose runbook names no escalation policy: its timer row records
// that it was considered, and never fires.
constexpr const char* kNoPolicy = "";

struct IncidentFacts {
  std::string state;
  PagedIncident paged;
};

Result<IncidentFacts> ReadIncidentFacts(SqlConnection& conn, std::int64_t incident_id) {
  VAKT_ASSIGN_OR_RETURN(auto rows,
                        conn.Query("SELECT state, drill, title, severity, runbook_id FROM "
                                   "incidents WHERE id = $1",
                                   {incident_id}));
  if (rows.empty()) return Status::NotFound("no incident INC-" + std::to_string(incident_id));
  IncidentFacts facts;
  facts.state = rows[0].Text(0);
  facts.paged.id = incident_id;
  facts.paged.drill = rows[0].Int(1) != 0;
  facts.paged.title = rows[0].Text(2);
  facts.paged.severity = rows[0].Text(3);
  facts.paged.runbook_id = rows[0].Text(4);
  return facts;
}

Status Audit(SqlConnection& conn, const std::string& action, std::int64_t incident_id,
             nlohmann::json details, TimeMs now) {
  audit::AuditEvent event;
  event.actor = "system:escalation";
  event.action = action;
  event.subject = "incident/INC-" + std::to_string(incident_id);
  event.details = std::move(details);
  return storage::AppendAuditEvent(conn, event, now).status();
}

// StopInTransaction ends `timer` because its incident left "triggered": the escalation state
// records the acknowledgement or resolution, pages are marked acknowledged and delayed contact
// messages cancelled.
Status StopInTransaction(SqlConnection& conn, EscalationTimer timer, const std::string& state,
                         TimeMs now) {
  if (timer.policy_id != kNoPolicy) {
    VAKT_ASSIGN_OR_RETURN(auto decoded, escalation::DecodeState(timer.state));
    bool resolved = state == "resolved" || state == "closed";
    decoded = resolved ? escalation::Resolve(decoded, now) : escalation::Acknowledge(decoded, now);
    timer.state = escalation::EncodeState(decoded);
  }
  timer.due_at.reset();
  VAKT_RETURN_IF_ERROR(storage::SaveEscalationTimer(conn, timer, now));
  VAKT_ASSIGN_OR_RETURN(auto acked, storage::MarkIncidentPagesAcked(conn, timer.incident_id, now));
  VAKT_ASSIGN_OR_RETURN(auto cancelled,
                        storage::CancelPendingPageNotifications(
                            conn, timer.incident_id, "incident " + state, now));
  return Audit(conn, "escalation.stop", timer.incident_id,
               {{"policy", timer.policy_id},
                {"incident_state", state},
                {"pages_acknowledged", acked},
                {"messages_cancelled", cancelled}},
               now);
}

}  // namespace

EscalationScheduler::EscalationScheduler(storage::Database& database, const OncallSource& oncall,
                                         PolicyLookup policy_of, DeliveryRoute route,
                                         EscalationSchedulerOptions options)
    : database_(database),
      oncall_(oncall),
      policy_of_(std::move(policy_of)),
      route_(std::move(route)),
      options_(std::move(options)) {}

Result<PassCounts> EscalationScheduler::RunPass(TimeMs now) {
  PassCounts counts;
  Status first_error;
  auto keep = [&](const Status& status, const char* what) {
    if (status.ok()) return;
    spdlog::warn("escalation {}: {}", what, status.ToString());
    if (first_error.ok()) first_error = status;
  };
  auto awaiting = storage::ListIncidentsAwaitingEscalation(database_, options_.batch);
  keep(awaiting.status(), "listing new incidents");
  if (awaiting.ok()) {
    for (std::int64_t id : *awaiting) keep(ArmIncident(id, now, counts), "arm");
  }
  // Stop before firing, so an acknowledgement that arrived before `now` wins over a due level.
  auto stopped = storage::ListArmedTimersOfStoppedIncidents(database_, options_.batch);
  keep(stopped.status(), "listing acknowledged incidents");
  if (stopped.ok()) {
    for (const EscalationTimer& timer : *stopped) keep(StopTimer(timer, now, counts), "stop");
  }
  auto due = storage::ClaimDueEscalationTimers(database_, options_.owner, now, options_.lease_ms,
                                               options_.batch);
  keep(due.status(), "claiming due timers");
  if (due.ok()) {
    for (const EscalationTimer& timer : *due) keep(FireTimer(timer, now, counts), "fire");
  }
  if (!first_error.ok()) return first_error;
  return counts;
}

Status EscalationScheduler::ArmIncident(std::int64_t incident_id, TimeMs now,
                                        PassCounts& counts) {
  auto config = oncall_.Get();
  return database_.RunWrite([&](SqlConnection& conn) -> Status {
    SqlTransaction txn(conn);
    VAKT_RETURN_IF_ERROR(txn.begin_status());
    VAKT_ASSIGN_OR_RETURN(IncidentFacts facts, ReadIncidentFacts(conn, incident_id));
    std::string policy_id = policy_of_(facts.paged.runbook_id);
    const escalation::EscalationPolicy* policy = config->FindPolicy(policy_id);
    bool armed = false;
    if (policy == nullptr) {
      VAKT_ASSIGN_OR_RETURN(armed, storage::ArmEscalationTimer(conn, incident_id, kNoPolicy, "{}",
                                                               std::nullopt, now));
      if (armed && !policy_id.empty()) {
        // The runbook names a policy the on-call file does not define (lint should catch it).
        VAKT_RETURN_IF_ERROR(Audit(conn, "escalation.unknown_policy", incident_id,
                                   {{"policy", policy_id}, {"runbook", facts.paged.runbook_id}},
                                   now));
      }
    } else {
      // Round-robin levels start at a different person for successive incidents.
      escalation::EscalationState state = escalation::StartEscalation(
          *policy, std::to_string(incident_id), now, static_cast<std::uint64_t>(incident_id));
      VAKT_ASSIGN_OR_RETURN(armed, storage::ArmEscalationTimer(conn, incident_id, policy->id,
                                                               escalation::EncodeState(state),
                                                               state.next_due_at, now));
    }
    if (armed) ++counts.armed;
    return txn.Commit();
  });
}

Status EscalationScheduler::StopTimer(const EscalationTimer& listed, TimeMs now,
                                      PassCounts& counts) {
  return database_.RunWrite([&](SqlConnection& conn) -> Status {
    SqlTransaction txn(conn);
    VAKT_RETURN_IF_ERROR(txn.begin_status());
    VAKT_ASSIGN_OR_RETURN(EscalationTimer timer,
                          storage::GetEscalationTimer(conn, listed.incident_id, listed.policy_id));
    if (!timer.due_at) return Status::Ok();  // someone else stopped it meanwhile
    VAKT_ASSIGN_OR_RETURN(IncidentFacts facts, ReadIncidentFacts(conn, timer.incident_id));
    if (facts.state == "triggered") return Status::Ok();  // reopened meanwhile
    VAKT_RETURN_IF_ERROR(StopInTransaction(conn, timer, facts.state, now));
    ++counts.stopped;
    return txn.Commit();
  });
}

Status EscalationScheduler::FireTimer(const EscalationTimer& claimed, TimeMs now,
                                      PassCounts& counts) {
  auto config = oncall_.Get();
  int pages = 0;
  bool fired = false;
  bool stopped = false;
  Status status = database_.RunWrite([&](SqlConnection& conn) -> Status {
    pages = 0;
    fired = stopped = false;
    SqlTransaction txn(conn);
    VAKT_RETURN_IF_ERROR(txn.begin_status());
    VAKT_ASSIGN_OR_RETURN(EscalationTimer timer, storage::GetEscalationTimer(
                                                     conn, claimed.incident_id, claimed.policy_id));
    // Another holder (after our lease expired) or a stop got there first: nothing to do.
    if (timer.version != claimed.version) return Status::Ok();
    VAKT_ASSIGN_OR_RETURN(IncidentFacts facts, ReadIncidentFacts(conn, timer.incident_id));
    if (facts.state != "triggered") {
      VAKT_RETURN_IF_ERROR(StopInTransaction(conn, timer, facts.state, now));
      stopped = true;
      return txn.Commit();
    }
    const escalation::EscalationPolicy* policy = config->FindPolicy(timer.policy_id);
    if (policy == nullptr) {
      // A reload removed the policy: end this escalation visibly rather than fail forever.
      timer.due_at.reset();
      VAKT_RETURN_IF_ERROR(storage::SaveEscalationTimer(conn, timer, now));
      VAKT_RETURN_IF_ERROR(
          Audit(conn, "escalation.abandon", timer.incident_id,
                {{"policy", timer.policy_id}, {"reason", "policy no longer configured"}}, now));
      return txn.Commit();
    }
    VAKT_ASSIGN_OR_RETURN(auto state, escalation::DecodeState(timer.state));
    escalation::DirectoryResolver resolver(config->directory);
    VAKT_ASSIGN_OR_RETURN(auto step, escalation::Advance(*policy, state, now, resolver));
    nlohmann::json paged = nlohmann::json::array();
    const PageTemplates templates =
        step.pages.empty() ? PageTemplates{} : LoadPageTemplates(options_.templates_dir);
    for (const escalation::PageIntent& intent : step.pages) {
      const oncall::User* user = config->directory.FindUser(intent.user);
      if (user == nullptr) {
        step.notes.push_back("user " + intent.user + " is no longer configured");
        continue;
      }
      std::vector<storage::OutboxMessage> messages =
          PageMessages(intent, *user, facts.paged, &templates);
      for (auto& message : messages) message = route_.Apply(std::move(message), facts.paged.drill);
      storage::PageRecord record;
      record.incident_id = timer.incident_id;
      record.policy_id = intent.policy_id;
      record.level = intent.level + 1;
      record.loop = intent.loop;
      record.user_id = intent.user;
      record.target = intent.target;
      record.channel = PageChannels(messages);
      record.idempotency_key = intent.idempotency_key;
      record.enqueued_at = now;
      VAKT_ASSIGN_OR_RETURN(bool inserted, storage::InsertPage(conn, record));
      if (!inserted) continue;  // paged before (a replayed step): never twice
      for (const auto& message : messages) {
        VAKT_RETURN_IF_ERROR(storage::EnqueueNotification(conn, message, now).status());
      }
      paged.push_back(intent.user);
      ++pages;
    }
    VAKT_RETURN_IF_ERROR(Audit(conn, "escalation.fire", timer.incident_id,
                               {{"policy", policy->id},
                                {"level", state.level + 1},
                                {"loop", state.loop},
                                {"paged", paged},
                                {"notes", step.notes},
                                {"phase", escalation::PhaseName(step.state.phase)}},
                               now));
    timer.state = escalation::EncodeState(step.state);
    timer.due_at = step.state.next_due_at;
    VAKT_RETURN_IF_ERROR(storage::SaveEscalationTimer(conn, timer, now));
    fired = true;
    return txn.Commit();
  });
  if (status.code() == StatusCode::kFailedPrecondition) {
    // Lost an optimistic race: the other writer's step stands, ours rolled back whole.
    return Status::Ok();
  }
  VAKT_RETURN_IF_ERROR(status);
  if (fired) ++counts.fired;
  if (stopped) ++counts.stopped;
  counts.pages += pages;
  return Status::Ok();
}

}  // namespace vakt::paging
