#include "stabilise/step_service.h"

#include <spdlog/spdlog.h>

#include <cstdlib>

#include "common/crypto.h"
#include "runbook/loader.h"
#include "stabilise/template_context.h"
#include "storage/sql_audit_append.h"
#include "storage/sql_outbox.h"
#include "template/environment.h"

namespace vakt::stabilise {

using action::StepRecord;
using action::StepState;

struct StepService::Loaded {
  Incident incident;
  std::string section;
  runbook::Step step;
  Result<RenderedStep> rendered = Status::Internal("not rendered");
  std::optional<StepRecord> record;
  action::StepKey key() const { return {incident.Key(), step.id}; }
};

namespace {

constexpr int kVoteRetries = 5;

action::ApprovalPolicy PolicyOf(const runbook::Step& step) {
  action::ApprovalPolicy policy;
  if (!step.approval) return policy;
  policy.roles = step.approval->roles;
  policy.count = step.approval->count;
  policy.distinct_from_requester = step.approval->distinct_from_requester;
  policy.expires_after_ms = step.approval->expires_ms;
  return policy;
}

bool IsAutoKind(const std::string& kind) {
  return kind == "capture" || kind == "check" || kind == "wait" || kind == "diagnose" ||
         kind == "notify";
}

Result<action::ApprovalRequest> RestoreRequest(const StepRecord& record) {
  return action::ApprovalRequest::Restore(record.approval, record.requested_by, record.content_hash,
                                          record.requested_at, record.approval_expires_at,
                                          record.votes);
}

}  // namespace

StepService::StepService(storage::Database& database, storage::SqlStepStore& steps,
                         storage::SqlEvidenceStore& evidence, incident::IncidentService& incidents,
                         storage::SqlRunbookVersionStore* versions, const Clock& clock,
                         StepRunnerDeps runner, StepServiceOptions options)
    : database_(database),
      steps_(steps),
      evidence_(evidence),
      incidents_(incidents),
      versions_(versions),
      clock_(clock),
      runner_(std::move(runner)),
      options_(std::move(options)) {
  runner_.evidence = &evidence_;
  runner_.clock = &clock_;
  runner_.sleep = [this](TimeMs ms) { return SleepFor(ms); };
}

StepService::~StepService() { Stop(); }

void StepService::Start() {
  if (Status settled = SettleAll(); !settled.ok()) {
    spdlog::warn("settling steps at start: {}", settled.ToString());
  }
  auto_thread_ = std::thread([this] { AutoLoop(); });
  lease_thread_ = std::thread([this] { LeaseLoop(); });
}

void StepService::Stop() {
  {
    std::lock_guard lock(threads_mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  stop_cv_.notify_all();
  if (auto_thread_.joinable()) auto_thread_.join();
  if (lease_thread_.joinable()) lease_thread_.join();
  std::vector<RunThread> runs;
  {
    std::lock_guard lock(threads_mu_);
    runs.swap(runs_);
  }
  for (auto& run : runs) run.thread.join();
}

bool StepService::SleepFor(TimeMs ms) {
  std::unique_lock lock(threads_mu_);
  return !stop_cv_.wait_for(lock, std::chrono::milliseconds(ms), [this] { return stopping_; });
}

void StepService::StartThread(std::function<void()> work) {
  std::lock_guard lock(threads_mu_);
  // Join finished runs first so the list stays as long as the runs in flight.
  for (auto it = runs_.begin(); it != runs_.end();) {
    if (it->done->load()) {
      it->thread.join();
      it = runs_.erase(it);
    } else {
      ++it;
    }
  }
  auto done = std::make_shared<std::atomic<bool>>(false);
  runs_.push_back({std::thread([work = std::move(work), done] {
                     work();
                     done->store(true);
                   }),
                   done});
}

void StepService::AutoLoop() {
  // Bounded: one pass per auto_poll_ms until Stop.
  while (SleepFor(options_.auto_poll_ms)) {
    if (Status status = AutoRunPass(); !status.ok()) {
      spdlog::warn("auto steps: {}", status.ToString());
    }
    if (Status status = SettleAll(); !status.ok()) {
      spdlog::warn("settling steps: {}", status.ToString());
    }
  }
}

TimeMs StepService::LeaseMs() const { return std::max<TimeMs>(options_.lease_grace_ms, 1000); }

void StepService::LeaseLoop() {
  // Renewing every third of the lease leaves two chances before it runs out.
  const TimeMs interval = std::max<TimeMs>(LeaseMs() / 3, 100);
  while (SleepFor(interval)) RenewLeases();
}

void StepService::RenewLeases() {
  std::vector<std::pair<action::StepKey, std::string>> runs;
  {
    std::lock_guard lock(in_flight_mu_);
    for (const auto& [name, run] : in_flight_) runs.push_back(run);
  }
  for (const auto& [key, execution_id] : runs) {
    for (int attempt = 0; attempt < kVoteRetries; ++attempt) {
      auto record = steps_.Get(key);
      // Finished, or settled by another instance while this one stalled: Finish decides.
      if (!record.ok() || record->state != StepState::kRunning ||
          record->execution_id != execution_id || record->lease_owner != options_.instance_id) {
        break;
      }
      const std::uint64_t expected = record->version;
      record->lease_expires_at = clock_.NowMs() + LeaseMs();
      auto stored = steps_.CompareAndSet(*record, expected);
      if (stored.ok()) break;
      if (stored.status().code() != StatusCode::kFailedPrecondition) {
        spdlog::warn("renewing the lease of {}/{}: {}", key.incident_id, key.step_id,
                     stored.status().ToString());
        break;
      }
    }
  }
}

bool StepService::RunningHere(const StepRecord& record) {
  if (record.lease_owner != options_.instance_id) return false;
  std::lock_guard lock(in_flight_mu_);
  auto found = in_flight_.find(record.key.incident_id + "/" + record.key.step_id);
  return found != in_flight_.end() && found->second.second == record.execution_id;
}

void StepService::Untrack(const action::StepKey& key, const std::string& execution_id) {
  std::lock_guard lock(in_flight_mu_);
  auto found = in_flight_.find(key.incident_id + "/" + key.step_id);
  if (found != in_flight_.end() && found->second.second == execution_id) in_flight_.erase(found);
}

Result<std::shared_ptr<const runbook::Runbook>> StepService::PinnedRunbook(
    const Incident& incident, const incident::Routing& routing) {
  const runbook::Runbook* loaded =
      routing.matcher ? routing.matcher->runbooks().Find(incident.runbook_id) : nullptr;
  if (loaded != nullptr &&
      (incident.runbook_hash.empty() || loaded->content_hash == incident.runbook_hash)) {
    // Aliasing the routing's matcher keeps the runbook set alive while the caller uses it.
    return std::shared_ptr<const runbook::Runbook>(routing.matcher, loaded);
  }
  const std::string pinned = incident.runbook_id + " (version " + incident.runbook_version +
                             ", sha256 " + incident.runbook_hash + ")";
  {
    std::lock_guard lock(pinned_mu_);
    if (auto found = pinned_.find(incident.runbook_hash); found != pinned_.end()) {
      return found->second;
    }
  }
  if (versions_ == nullptr || incident.runbook_hash.empty()) {
    return Status::NotFound("runbook " + pinned + " of " + incident.Key() + " is not loaded");
  }
  // The incident keeps the runbook it opened with: a reload must not change what its steps do.
  VAKT_ASSIGN_OR_RETURN(std::vector<storage::RunbookVersion> history,
                        versions_->List(incident.runbook_id));
  for (auto it = history.rbegin(); it != history.rend(); ++it) {
    if (it->content_hash != incident.runbook_hash) continue;
    VAKT_ASSIGN_OR_RETURN(storage::RunbookVersion stored,
                          versions_->Get(incident.runbook_id, it->version));
    VAKT_ASSIGN_OR_RETURN(
        runbook::Runbook parsed,
        runbook::ParseRunbook(stored.content, "runbook " + incident.runbook_id + " version " +
                                                  std::to_string(stored.version)));
    if (parsed.content_hash != incident.runbook_hash) {
      return Status::Internal("stored runbook " + pinned + " does not hash to its content hash");
    }
    auto shared = std::make_shared<const runbook::Runbook>(std::move(parsed));
    std::lock_guard lock(pinned_mu_);
    pinned_.emplace(incident.runbook_hash, shared);
    return shared;
  }
  return Status::NotFound("runbook " + pinned + " of " + incident.Key() +
                          " is neither loaded nor in the runbook version store");
}

Result<std::vector<StepService::Loaded>> StepService::LoadAll(std::int64_t incident_id) {
  VAKT_ASSIGN_OR_RETURN(Incident incident, incidents_.store().GetIncident(incident_id));
  incident::Routing routing = incidents_.routing();
  VAKT_ASSIGN_OR_RETURN(std::shared_ptr<const runbook::Runbook> runbook,
                        PinnedRunbook(incident, routing));
  std::vector<std::string> allow_list;
  if (routing.catalog) allow_list = routing.catalog->env_allow_list();
  const nlohmann::json context =
      BuildTemplateContext(incident, templating::AllowListedEnvironment(allow_list));
  std::map<std::string, std::string> env_values;
  for (const std::string& name : allow_list) {
    if (const char* value = std::getenv(name.c_str())) env_values[name] = value;
  }
  VAKT_ASSIGN_OR_RETURN(std::vector<StepRecord> records, steps_.List(incident.Key()));
  std::vector<Loaded> out;
  auto add_section = [&](const char* section, const std::vector<runbook::Step>& steps) {
    for (const runbook::Step& step : steps) {
      Loaded loaded;
      loaded.incident = incident;
      loaded.section = section;
      loaded.step = step;
      loaded.rendered = RenderStep(step, context, env_values);
      for (const StepRecord& record : records) {
        if (record.key.step_id == step.id) loaded.record = record;
      }
      out.push_back(std::move(loaded));
    }
  };
  add_section("stabilise", runbook->stabilise);
  add_section("investigate", runbook->investigate.steps);
  add_section("verify", runbook->resolve.verify);
  add_section("close_out", runbook->resolve.close_out);
  for (Loaded& loaded : out) {
    if (loaded.record) VAKT_RETURN_IF_ERROR(Settle(*loaded.record));
  }
  return out;
}

Result<StepService::Loaded> StepService::Load(std::int64_t incident_id,
                                              const std::string& step_id) {
  VAKT_ASSIGN_OR_RETURN(std::vector<Loaded> all, LoadAll(incident_id));
  for (Loaded& loaded : all) {
    if (loaded.step.id == step_id) return std::move(loaded);
  }
  return Status::NotFound("no step " + step_id + " in the runbook of INC-" +
                          std::to_string(incident_id));
}

Status StepService::Settle(StepRecord& record) {
  const TimeMs now = clock_.NowMs();
  StepRecord next = record;
  // An action this process is still running is alive whatever the clock says; the lease is for
  // other instances and for after a crash.
  if (record.state == StepState::kRunning && record.lease_expires_at != 0 &&
      now >= record.lease_expires_at && !RunningHere(record)) {
    VAKT_RETURN_IF_ERROR(action::ApplyTransition(
        next, StepState::kOutcomeUnknown, "system", now,
        "lease of " + record.lease_owner + " expired while execution " + record.execution_id +
            " was running; check the target, then confirm or re-run"));
    next.lease_owner.clear();
    next.lease_expires_at = 0;
  } else if ((record.state == StepState::kAwaitingApproval ||
              record.state == StepState::kApproved) &&
             record.approval_expires_at != 0 && now >= record.approval_expires_at) {
    VAKT_RETURN_IF_ERROR(action::ApplyTransition(next, StepState::kSkipped, "system", now,
                                                 "denied: the approval request expired"));
  } else {
    return Status::Ok();
  }
  next.updated_at = now;
  auto stored = steps_.CompareAndSet(next, record.version);
  if (stored.ok()) {
    record = *stored;
    return Status::Ok();
  }
  if (stored.status().code() != StatusCode::kFailedPrecondition) return stored.status();
  // Someone else settled or changed it first: take theirs.
  VAKT_ASSIGN_OR_RETURN(record, steps_.Get(record.key));
  return Status::Ok();
}

Status StepService::SettleAll() {
  VAKT_ASSIGN_OR_RETURN(std::vector<StepRecord> records, steps_.List(""));
  for (StepRecord& record : records) VAKT_RETURN_IF_ERROR(Settle(record));
  return Status::Ok();
}

StepView StepService::ViewOf(const Loaded& loaded) const {
  StepView view;
  view.section = loaded.section;
  view.step = loaded.step;
  view.record = loaded.record
                    ? *loaded.record
                    : action::NewStepRecord(loaded.key(), loaded.step.approval.has_value());
  if (!loaded.record) view.record.approval = PolicyOf(loaded.step);
  view.rendered_ok = loaded.rendered.ok();
  if (loaded.rendered.ok()) {
    view.rendered = *loaded.rendered;
  } else {
    view.render_error = loaded.rendered.status().message();
  }
  view.verdict.required = view.record.approval.count;
  if (loaded.record && !loaded.record->requested_by.empty() && loaded.rendered.ok()) {
    auto request = RestoreRequest(*loaded.record);
    if (request.ok())
      view.verdict = request->Evaluate(loaded.rendered->content_hash, clock_.NowMs());
  }
  return view;
}

Result<StepRecord> StepService::StoredOrCreate(const Loaded& loaded) {
  if (loaded.record) return *loaded.record;
  StepRecord record = action::NewStepRecord(loaded.key(), loaded.step.approval.has_value());
  record.approval = PolicyOf(loaded.step);
  record.created_at = record.updated_at = clock_.NowMs();
  auto created = steps_.Create(record);
  if (created.status().code() == StatusCode::kAlreadyExists) return steps_.Get(loaded.key());
  return created;
}

Result<std::vector<StepView>> StepService::List(std::int64_t incident_id) {
  VAKT_ASSIGN_OR_RETURN(std::vector<Loaded> all, LoadAll(incident_id));
  std::vector<StepView> views;
  for (const Loaded& loaded : all) views.push_back(ViewOf(loaded));
  return views;
}

Result<StepView> StepService::Get(std::int64_t incident_id, const std::string& step_id) {
  VAKT_ASSIGN_OR_RETURN(Loaded loaded, Load(incident_id, step_id));
  return ViewOf(loaded);
}

Result<StepView> StepService::Request(std::int64_t incident_id, const std::string& step_id,
                                      const std::string& actor, const std::string& reason) {
  VAKT_ASSIGN_OR_RETURN(Loaded loaded, Load(incident_id, step_id));
  if (!loaded.rendered.ok()) {
    return Status::FailedPrecondition("step " + step_id +
                                      " cannot be rendered: " + loaded.rendered.status().message());
  }
  if (!loaded.step.approval) {
    return Status::FailedPrecondition("step " + step_id + " needs no approval; run it");
  }
  VAKT_ASSIGN_OR_RETURN(StepRecord record, StoredOrCreate(loaded));
  const std::uint64_t expected = record.version;
  const TimeMs now = clock_.NowMs();
  const std::string& hash = loaded.rendered->content_hash;
  if (record.state == StepState::kPending) {
    VAKT_RETURN_IF_ERROR(
        action::ApplyTransition(record, StepState::kAwaitingApproval, actor, now, reason));
  } else if ((record.state == StepState::kAwaitingApproval ||
              record.state == StepState::kApproved) &&
             record.content_hash != hash) {
    // The rendered content changed since the request: earlier approvals are bound to the old
    // hash and no longer count; this is a new request for the new content.
    const StepState from = record.state;
    record.state = StepState::kAwaitingApproval;
    record.approved_action_hash.clear();
    record.history.push_back({from, StepState::kAwaitingApproval, actor, now,
                              "re-requested: content changed, earlier approvals void. " + reason});
  } else {
    return Status::FailedPrecondition("step " + step_id + " is " +
                                      std::string(action::StepStateName(record.state)) +
                                      "; nothing to request");
  }
  record.content_hash = hash;
  record.requested_by = actor;
  record.requested_at = now;
  record.approval = PolicyOf(loaded.step);
  record.approval_expires_at =
      record.approval.expires_after_ms > 0 ? now + record.approval.expires_after_ms : 0;
  record.updated_at = now;
  VAKT_ASSIGN_OR_RETURN(loaded.record, steps_.CompareAndSet(record, expected));
  return ViewOf(loaded);
}

Result<StepView> StepService::Approve(std::int64_t incident_id, const std::string& step_id,
                                      const action::Actor& actor, const std::string& seen_hash,
                                      const std::string& reason) {
  return Vote(incident_id, step_id, actor, seen_hash, reason, true);
}

Result<StepView> StepService::Deny(std::int64_t incident_id, const std::string& step_id,
                                   const action::Actor& actor, const std::string& seen_hash,
                                   const std::string& reason) {
  return Vote(incident_id, step_id, actor, seen_hash, reason, false);
}

Result<StepView> StepService::Vote(std::int64_t incident_id, const std::string& step_id,
                                   const action::Actor& actor, const std::string& seen_hash,
                                   const std::string& reason, bool approve) {
  if (seen_hash.empty()) {
    return Status::InvalidArgument("content_hash: send the content hash you were shown");
  }
  // Concurrent voters retry on a lost compare-and-set so no vote is dropped; the store decides
  // the order, and the quorum is evaluated on what is stored.
  for (int attempt = 0; attempt < kVoteRetries; ++attempt) {
    VAKT_ASSIGN_OR_RETURN(Loaded loaded, Load(incident_id, step_id));
    if (!loaded.rendered.ok()) {
      return Status::FailedPrecondition(
          "step " + step_id + " cannot be rendered: " + loaded.rendered.status().message());
    }
    if (!loaded.record || (loaded.record->state != StepState::kAwaitingApproval &&
                           loaded.record->state != StepState::kApproved)) {
      const std::string state =
          loaded.record ? std::string(action::StepStateName(loaded.record->state)) : "pending";
      return Status::FailedPrecondition("step " + step_id + " is " + state +
                                        ", not awaiting approval");
    }
    StepRecord record = *loaded.record;
    const std::string& current = loaded.rendered->content_hash;
    if (seen_hash != current) {
      return Status::FailedPrecondition("content_hash: you saw " + seen_hash +
                                        " but the step now renders to " + current +
                                        "; review the new content");
    }
    if (record.content_hash != current) {
      return Status::FailedPrecondition(
          "the step's content changed since it was requested; "
          "approvals are void until it is requested again");
    }
    for (const auto& vote : record.votes) {
      if (vote.actor == actor.id && vote.action_hash == current) {
        return Status::AlreadyExists(actor.id + " already voted on this content");
      }
    }
    const TimeMs now = clock_.NowMs();
    VAKT_ASSIGN_OR_RETURN(action::ApprovalRequest request, RestoreRequest(record));
    if (approve) {
      VAKT_RETURN_IF_ERROR(request.Approve(actor, current, now, reason));
    } else {
      VAKT_RETURN_IF_ERROR(request.Deny(actor, current, now, reason));
    }
    const std::uint64_t expected = record.version;
    record.votes = request.votes();
    const action::ApprovalVerdict verdict = request.Evaluate(current, now);
    if (verdict.state == action::ApprovalState::kApproved &&
        record.state == StepState::kAwaitingApproval) {
      VAKT_RETURN_IF_ERROR(action::MarkApproved(record, current, actor.id, now,
                                                std::to_string(verdict.approvals) + " of " +
                                                    std::to_string(verdict.required) +
                                                    " approvals"));
    } else if (verdict.state == action::ApprovalState::kDenied) {
      VAKT_RETURN_IF_ERROR(action::ApplyTransition(record, StepState::kSkipped, actor.id, now,
                                                   "denied by " + actor.id + ": " + reason));
    }
    record.updated_at = now;
    auto stored = steps_.CompareAndSet(record, expected);
    if (stored.ok()) {
      loaded.record = *stored;
      return ViewOf(loaded);
    }
    if (stored.status().code() != StatusCode::kFailedPrecondition) return stored.status();
  }
  return Status::FailedPrecondition("step " + step_id + " kept changing; vote again");
}

Result<StepView> StepService::Run(std::int64_t incident_id, const std::string& step_id,
                                  const std::string& actor, const std::string& reason) {
  VAKT_ASSIGN_OR_RETURN(Loaded loaded, Load(incident_id, step_id));
  if (!loaded.rendered.ok()) {
    return Status::FailedPrecondition("step " + step_id +
                                      " cannot be rendered: " + loaded.rendered.status().message());
  }
  if (loaded.rendered->kind == "manual") {
    return Status::FailedPrecondition("manual steps are done by a person: confirm it");
  }
  return Claim(loaded, actor, reason);
}

Result<StepView> StepService::Claim(const Loaded& loaded_in, const std::string& actor,
                                    const std::string& reason) {
  Loaded loaded = loaded_in;
  VAKT_ASSIGN_OR_RETURN(StepRecord record, StoredOrCreate(loaded));
  const std::uint64_t expected = record.version;
  const TimeMs now = clock_.NowMs();
  const RenderedStep& rendered = *loaded.rendered;
  if (record.requires_approval && record.state == StepState::kApproved &&
      record.approved_action_hash != rendered.content_hash) {
    // What would run now is not what was approved: void the approval, ask again.
    StepRecord voided = record;
    VAKT_RETURN_IF_ERROR(
        action::ApplyTransition(voided, StepState::kAwaitingApproval, "system", now,
                                "approval void: the rendered content changed from " +
                                    record.approved_action_hash + " to " + rendered.content_hash));
    voided.approved_action_hash.clear();
    voided.updated_at = now;
    VAKT_RETURN_IF_ERROR(steps_.CompareAndSet(voided, expected).status());
    return Status::FailedPrecondition(
        "the step's content changed after approval; the approval "
        "is void and the step must be requested and approved again");
  }
  if (size_t running =
          [&] {
            std::lock_guard lock(threads_mu_);
            size_t count = 0;
            for (const auto& run : runs_) count += run.done->load() ? 0 : 1;
            return count;
          }();
      running >= options_.max_concurrent_runs) {
    return Status::ResourceExhausted("too many step runs in progress; try again shortly");
  }
  const std::string execution_id = "exec_" + RandomToken(16);
  if (record.state == StepState::kOutcomeUnknown) {
    VAKT_RETURN_IF_ERROR(
        action::BeginRerun(record, rendered.content_hash, execution_id, actor, now, reason));
  } else {
    VAKT_RETURN_IF_ERROR(action::BeginRun(record, rendered.content_hash, execution_id, actor, now));
    if (!reason.empty()) record.history.back().reason += "; " + reason;
  }
  action::StepRun run;
  run.attempt = static_cast<int>(record.runs.size()) + 1;
  run.execution_id = execution_id;
  run.started_at = now;
  record.runs.push_back(run);
  record.lease_owner = options_.instance_id;
  record.lease_expires_at = now + LeaseMs();
  record.updated_at = now;
  // The compare-and-set decides the race: exactly one claim of this version wins.
  VAKT_ASSIGN_OR_RETURN(StepRecord claimed, steps_.CompareAndSet(record, expected));
  loaded.record = claimed;

  if (loaded.incident.drill) {
    // Drills never act: record exactly what would have been sent, and finish.
    RunOutcome drill;
    drill.outcome = StepState::kSucceeded;
    drill.summary = "drill: dry run, nothing was sent or executed";
    drill.output = rendered.preview.dump();
    evidence::EvidenceMetadata metadata;
    metadata.incident_id = loaded.incident.Key();
    metadata.step_id = loaded.step.id;
    metadata.collector = "dry-run";
    metadata.name = loaded.step.id + "-dry-run";
    metadata.source = "drill";
    metadata.content_type = "application/json";
    metadata.created_by = actor;
    metadata.time = now;
    auto stored = evidence_.Put(drill.output, metadata);
    if (stored.ok()) drill.evidence.push_back(*stored);
    VAKT_RETURN_IF_ERROR(Finish(claimed.key, execution_id, drill, nullptr));
  } else if (rendered.kind == "notify") {
    // The messages are enqueued in the outbox in the same transaction that records the run.
    RunOutcome sent{StepState::kSucceeded,
                    "enqueued " + std::to_string(rendered.recipients.size()) + " notification(s)",
                    rendered.preview.dump(),
                    {}};
    const Incident incident = loaded.incident;
    const std::string step_id = loaded.step.id;
    const std::vector<std::string> recipients = rendered.recipients;
    const std::string template_name = rendered.text;
    auto enqueue = [&](storage::SqlConnection& conn) -> Status {
      for (const std::string& to : recipients) {
        storage::OutboxMessage message;
        message.idempotency_key =
            "step:" + incident.Key() + ":" + step_id + ":" + execution_id + ":" + to;
        message.channel = "runbook-notify";
        message.target = to;
        message.subject = template_name;
        message.payload = nlohmann::json{
            {"incident", incident.Key()},
            {"title", incident.title},
            {"step", step_id},
            {"template", template_name},
            {"to", to}}.dump();
        message.incident_id = incident.id;
        VAKT_RETURN_IF_ERROR(storage::EnqueueNotification(conn, message, clock_.NowMs()).status());
      }
      return Status::Ok();
    };
    VAKT_RETURN_IF_ERROR(Finish(claimed.key, execution_id, sent, enqueue));
  } else {
    {
      std::lock_guard lock(in_flight_mu_);
      in_flight_[claimed.key.incident_id + "/" + claimed.key.step_id] = {claimed.key, execution_id};
    }
    StartThread([this, loaded, claimed, actor] { Execute(loaded, claimed, actor); });
    return ViewOf(loaded);
  }
  VAKT_ASSIGN_OR_RETURN(loaded.record, steps_.Get(claimed.key));
  return ViewOf(loaded);
}

void StepService::Execute(Loaded loaded, StepRecord claimed, std::string actor) {
  RunOutcome outcome = ExecuteStep(loaded.step, *loaded.rendered, loaded.incident,
                                   claimed.execution_id, actor, runner_);
  const Status finished = Finish(claimed.key, claimed.execution_id, outcome, nullptr);
  Untrack(claimed.key, claimed.execution_id);
  if (!finished.ok()) {
    spdlog::error("step {}/{} execution {} ended ({}) but could not be recorded: {}",
                  claimed.key.incident_id, claimed.key.step_id, claimed.execution_id,
                  action::StepStateName(outcome.outcome), finished.ToString());
  }
}

Status StepService::Finish(const action::StepKey& key, const std::string& execution_id,
                           const RunOutcome& outcome,
                           const std::function<Status(storage::SqlConnection&)>& also) {
  for (int attempt = 0; attempt < kVoteRetries; ++attempt) {
    VAKT_ASSIGN_OR_RETURN(StepRecord record, steps_.Get(key));
    if (record.execution_id != execution_id || record.runs.empty() ||
        (record.state != StepState::kRunning && record.state != StepState::kOutcomeUnknown)) {
      return Status::FailedPrecondition("step " + key.step_id + " is no longer running " +
                                        execution_id);
    }
    const std::uint64_t expected = record.version;
    const TimeMs now = clock_.NowMs();
    StepState to = outcome.outcome;
    // A lease that expired during a slow run left outcome_unknown; the real outcome resolves it
    // when it is one a person could also have recorded.
    if (record.state == StepState::kOutcomeUnknown && to != StepState::kSucceeded &&
        to != StepState::kFailed) {
      return Status::FailedPrecondition("step " + key.step_id + " is outcome_unknown");
    }
    VAKT_RETURN_IF_ERROR(action::ApplyTransition(record, to, "system", now, outcome.summary));
    action::StepRun& run = record.runs.back();
    run.finished_at = now;
    run.outcome = std::string(action::StepStateName(to));
    run.output_excerpt = outcome.summary + (outcome.output.empty() ? "" : "\n" + outcome.output);
    run.evidence = outcome.evidence;
    record.lease_owner.clear();
    record.lease_expires_at = 0;
    record.updated_at = now;
    auto stored = steps_.CompareAndSetWith(record, expected, also);
    if (stored.ok()) return Status::Ok();
    if (stored.status().code() != StatusCode::kFailedPrecondition) return stored.status();
  }
  return Status::FailedPrecondition("step " + key.step_id + " kept changing while finishing");
}

Result<StepView> StepService::Confirm(std::int64_t incident_id, const std::string& step_id,
                                      const std::string& actor, const std::string& reason,
                                      bool failed) {
  VAKT_ASSIGN_OR_RETURN(Loaded loaded, Load(incident_id, step_id));
  VAKT_ASSIGN_OR_RETURN(StepRecord record, StoredOrCreate(loaded));
  const std::uint64_t expected = record.version;
  const TimeMs now = clock_.NowMs();
  const StepState outcome = failed ? StepState::kFailed : StepState::kSucceeded;
  if (record.state == StepState::kOutcomeUnknown) {
    VAKT_RETURN_IF_ERROR(
        action::ApplyTransition(record, outcome, actor, now, "resolved by a person: " + reason));
    if (!record.runs.empty() && record.runs.back().outcome.empty()) {
      record.runs.back().finished_at = now;
      record.runs.back().outcome = std::string(action::StepStateName(outcome));
    }
  } else if (loaded.rendered.ok() && loaded.rendered->kind == "manual") {
    // A manual step is run and finished by the person who did it, in one change.
    const std::string execution_id = "exec_" + RandomToken(16);
    VAKT_RETURN_IF_ERROR(
        action::BeginRun(record, loaded.rendered->content_hash, execution_id, actor, now));
    VAKT_RETURN_IF_ERROR(action::ApplyTransition(record, outcome, actor, now, reason));
    action::StepRun run;
    run.attempt = static_cast<int>(record.runs.size()) + 1;
    run.execution_id = execution_id;
    run.started_at = now;
    run.finished_at = now;
    run.outcome = std::string(action::StepStateName(outcome));
    run.output_excerpt = reason;
    record.runs.push_back(run);
  } else {
    return Status::FailedPrecondition("step " + step_id + " is " +
                                      std::string(action::StepStateName(record.state)) +
                                      "; only manual steps and unknown outcomes are confirmed");
  }
  record.updated_at = now;
  VAKT_ASSIGN_OR_RETURN(loaded.record, steps_.CompareAndSet(record, expected));
  return ViewOf(loaded);
}

Result<StepView> StepService::Skip(std::int64_t incident_id, const std::string& step_id,
                                   const std::string& actor, const std::string& reason) {
  VAKT_ASSIGN_OR_RETURN(Loaded loaded, Load(incident_id, step_id));
  VAKT_ASSIGN_OR_RETURN(StepRecord record, StoredOrCreate(loaded));
  const std::uint64_t expected = record.version;
  const TimeMs now = clock_.NowMs();
  VAKT_RETURN_IF_ERROR(action::ApplyTransition(record, StepState::kSkipped, actor, now, reason));
  record.updated_at = now;
  VAKT_ASSIGN_OR_RETURN(loaded.record, steps_.CompareAndSet(record, expected));
  return ViewOf(loaded);
}

Result<nlohmann::json> StepService::DryRun(std::int64_t incident_id, const std::string& step_id,
                                           const std::string& actor) {
  VAKT_ASSIGN_OR_RETURN(Loaded loaded, Load(incident_id, step_id));
  if (!loaded.rendered.ok()) {
    return Status::FailedPrecondition("step " + step_id +
                                      " cannot be rendered: " + loaded.rendered.status().message());
  }
  audit::AuditEvent event;
  event.actor = actor;
  event.action = "step.dry_run";
  event.subject = "step/" + loaded.incident.Key() + "/" + step_id;
  event.digest = loaded.rendered->content_hash;
  VAKT_RETURN_IF_ERROR(storage::RecordAuditEvent(database_, event, clock_.NowMs()).status());
  return nlohmann::json{{"step", step_id},
                        {"kind", loaded.rendered->kind},
                        {"content_hash", loaded.rendered->content_hash},
                        {"drill", loaded.incident.drill},
                        {"preview", loaded.rendered->preview}};
}

Status StepService::AutoRunPass() {
  storage::IncidentQuery query;
  query.open_only = true;
  query.limit = options_.auto_incident_limit;
  VAKT_ASSIGN_OR_RETURN(std::vector<Incident> open, incidents_.store().ListIncidents(query));
  for (const Incident& incident : open) {
    auto all = LoadAll(incident.id);
    if (!all.ok()) continue;  // runbook not loaded: nothing to run automatically
    // Forensic capture first, before anything else changes the system.
    for (const bool captures : {true, false}) {
      for (const Loaded& loaded : *all) {
        if (loaded.section != "stabilise" || !loaded.step.auto_run || loaded.step.approval ||
            loaded.step.risk != runbook::Risk::kLow || loaded.record || !loaded.rendered.ok() ||
            !IsAutoKind(loaded.rendered->kind) ||
            (loaded.rendered->kind == "capture") != captures) {
          continue;
        }
        auto claimed = Claim(loaded, "system:auto", "auto step on incident open");
        if (!claimed.ok() && claimed.status().code() != StatusCode::kFailedPrecondition) {
          spdlog::warn("auto step {}/{}: {}", incident.Key(), loaded.step.id,
                       claimed.status().ToString());
        }
      }
    }
  }
  return Status::Ok();
}

}  // namespace vakt::stabilise
