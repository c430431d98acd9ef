#include "incident/incident_service.h"

#include <spdlog/spdlog.h>

#include <map>

#include "incident/context_snapshot.h"
#include "incident/grouping.h"

namespace vakt::incident {

IncidentService::IncidentService(storage::Database& database, storage::IncidentStore& store,
                                 const Clock& clock, MetricsRegistry& metrics,
                                 IncidentServiceOptions options)
    : database_(database),
      store_(store),
      clock_(clock),
      options_(options),
      opened_(metrics.GetCounter("vakt_incidents_opened_total", "Incidents opened")),
      joined_(metrics.GetCounter("vakt_incident_alerts_attached_total",
                                 "Alerts attached to an incident")) {}

IncidentService::~IncidentService() { Stop(); }

void IncidentService::SetRouting(Routing routing) {
  std::lock_guard lock(routing_mu_);
  routing_ = std::move(routing);
}

Routing IncidentService::routing() const {
  std::lock_guard lock(routing_mu_);
  return routing_;
}

void IncidentService::Notify() {
  {
    std::lock_guard lock(wake_mu_);
    wake_requested_ = true;
  }
  wake_.notify_one();
}

void IncidentService::Start() {
  if (worker_.joinable()) return;
  {
    std::lock_guard lock(wake_mu_);
    stopping_ = false;
  }
  worker_ = std::thread([this] { Run(); });
}

void IncidentService::Stop() {
  {
    std::lock_guard lock(wake_mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (worker_.joinable()) worker_.join();
}

void IncidentService::Run() {
  while (true) {
    {
      std::unique_lock lock(wake_mu_);
      TimeMs wait_ms = options_.reconcile_interval_ms;
      if (next_deadline_ > 0) wait_ms = std::min(wait_ms, std::max<TimeMs>(next_deadline_ - clock_.NowMs(), 1));
      wake_.wait_for(lock, std::chrono::milliseconds(wait_ms),
                     [this] { return stopping_ || wake_requested_; });
      if (stopping_) return;
      wake_requested_ = false;
    }
    auto placed = DispatchPending();
    if (!placed.ok()) spdlog::warn("incident dispatch pass failed: {}", placed.status().ToString());
    std::unique_lock lock(wake_mu_);
    wake_.wait_for(lock, std::chrono::milliseconds(options_.min_pass_interval_ms),
                   [this] { return stopping_; });
  }
}

Result<size_t> IncidentService::DispatchPending() {
  std::lock_guard pass(pass_mu_);
  TimeMs now = clock_.NowMs();
  {
    std::lock_guard lock(wake_mu_);
    next_deadline_ = 0;
  }
  VAKT_ASSIGN_OR_RETURN(auto alerts, store_.ListUnattachedActiveAlerts(now, options_.batch_limit));
  VAKT_ASSIGN_OR_RETURN(size_t placed, PlaceAlerts(alerts, now));
  if (options_.auto_resolve) VAKT_RETURN_IF_ERROR(ResolveFinished(now));
  return placed;
}

Result<size_t> IncidentService::PlaceAlerts(const std::vector<Alert>& alerts, TimeMs now) {
  if (alerts.empty()) return size_t{0};
  Routing routing = this->routing();
  struct Group {
    const runbook::Runbook* runbook = nullptr;
    std::vector<const Alert*> alerts;
    TimeMs first_start = 0;
  };
  std::map<std::string, Group> groups;
  for (const Alert& alert : alerts) {
    const runbook::Runbook* runbook = nullptr;
    if (routing.matcher) {
      auto selected = routing.matcher->Match(alert.labels);
      if (!selected.empty()) runbook = selected.front();
    }
    const auto& group_by = runbook != nullptr && !runbook->detection.group_by.empty()
                               ? runbook->detection.group_by
                               : DefaultGroupBy();
    std::string key = GroupKey(runbook != nullptr ? runbook->id() : "unrouted", group_by, alert.labels);
    Group& group = groups[key];
    group.runbook = runbook;
    group.first_start = group.alerts.empty() ? alert.starts_at : std::min(group.first_start, alert.starts_at);
    group.alerts.push_back(&alert);
  }
  size_t placed = 0;
  for (auto& [key, group] : groups) {
    std::vector<std::uint64_t> fingerprints;
    for (const Alert* alert : group.alerts) fingerprints.push_back(alert->fingerprint);
    auto open = store_.FindOpenByGroupKey(key);
    if (open.ok()) {
      VAKT_ASSIGN_OR_RETURN(auto added, store_.AttachAlerts(open->id, fingerprints, now));
      joined_.Increment(added.size());
      placed += added.size();
      continue;
    }
    if (open.status().code() != StatusCode::kNotFound) return open.status();
    // A new group waits group_wait after its first alert so that siblings open one incident.
    TimeMs group_wait = group.runbook != nullptr ? group.runbook->detection.group_wait_ms : 0;
    if (now < group.first_start + group_wait) {
      std::lock_guard lock(wake_mu_);
      TimeMs due = group.first_start + group_wait;
      next_deadline_ = next_deadline_ == 0 ? due : std::min(next_deadline_, due);
      continue;
    }
    const Alert& first = *group.alerts.front();
    std::string pipeline_id = PipelineOf(first, group.runbook);
    const catalog::Pipeline* pipeline =
        routing.catalog ? routing.catalog->FindPipeline(pipeline_id) : nullptr;
    SnapshotInputs inputs;
    inputs.alert = &first;
    inputs.runbook = group.runbook;
    inputs.pipeline = pipeline;
    inputs.now = now;
    inputs.recent_window_ms = options_.recent_deployments_ms;
    if (!pipeline_id.empty()) {
      VAKT_ASSIGN_OR_RETURN(inputs.deployments,
                            database_.alerts().ListChangeEvents(pipeline_id, 0, 50));
    }
    Incident draft;
    std::string_view summary = LabelValue(first.annotations, "summary");
    std::string alertname(LabelValue(first.labels, "alertname"));
    draft.title = !summary.empty() ? std::string(summary)
                                   : alertname + (pipeline_id.empty() ? "" : " on " + pipeline_id);
    draft.severity = std::string(LabelValue(first.labels, "severity"));
    draft.group_key = key;
    draft.group_labels = GroupLabels(group.runbook != nullptr && !group.runbook->detection.group_by.empty()
                                         ? group.runbook->detection.group_by
                                         : DefaultGroupBy(),
                                     first.labels);
    if (group.runbook != nullptr) {
      draft.runbook_id = group.runbook->id();
      draft.runbook_version = std::to_string(group.runbook->metadata.version);
      draft.runbook_hash = group.runbook->content_hash;
    }
    draft.pipeline = pipeline_id;
    draft.created_at = now;
    draft.updated_at = now;
    draft.context = BuildContextSnapshot(inputs);
    IncidentEvent opened;
    opened.time = now;
    opened.actor = "vakt";
    opened.kind = "opened";
    opened.to_state = "triggered";
    opened.reason = "alert " + alertname + " matched runbook " +
                    (group.runbook != nullptr ? group.runbook->id() : std::string("(none)"));
    opened.details = {{"alerts", fingerprints.size()}};
    auto created = store_.CreateIncident(draft, fingerprints, opened);
    if (created.status().code() == StatusCode::kAlreadyExists) {
      // Another vakt instance opened it between our lookup and insert: join it instead.
      VAKT_ASSIGN_OR_RETURN(auto existing, store_.FindOpenByGroupKey(key));
      VAKT_ASSIGN_OR_RETURN(auto added, store_.AttachAlerts(existing.id, fingerprints, now));
      placed += added.size();
      continue;
    }
    if (!created.ok()) return created.status();
    opened_.Increment();
    placed += fingerprints.size();
    spdlog::info("opened {} \"{}\" (runbook {})", created->Key(), created->title, created->runbook_id);
  }
  return placed;
}

Status IncidentService::ResolveFinished(TimeMs now) {
  VAKT_ASSIGN_OR_RETURN(auto finished, store_.ListOpenIncidentsWithoutActiveAlerts(now));
  for (std::int64_t id : finished) {
    auto resolved = Act(id, IncidentAction::kResolve, "vakt", "all alerts resolved");
    if (!resolved.ok() && resolved.status().code() != StatusCode::kFailedPrecondition) {
      return resolved.status();
    }
  }
  return Status::Ok();
}

Result<Incident> IncidentService::Act(std::int64_t id, IncidentAction action,
                                      const std::string& actor, const std::string& argument) {
  for (int attempt = 0; attempt < 3; ++attempt) {
    VAKT_ASSIGN_OR_RETURN(Incident current, store_.GetIncident(id));
    if (action_guard_) VAKT_RETURN_IF_ERROR(action_guard_(current, action));
    VAKT_ASSIGN_OR_RETURN(Applied applied, ApplyAction(current, action, actor, argument, clock_.NowMs()));
    if (action == IncidentAction::kNote) {
      VAKT_RETURN_IF_ERROR(store_.AppendEvent(applied.event));
      return current;
    }
    Status stored = store_.UpdateIncident(applied.incident, current.version, applied.event);
    if (stored.ok()) {
      applied.incident.version = current.version + 1;
      if (action_observer_) action_observer_(applied.incident, action);
      return applied.incident;
    }
    if (stored.code() != StatusCode::kFailedPrecondition) return stored;
  }
  return Status::FailedPrecondition("INC-" + std::to_string(id) + " keeps changing; retry");
}

}  // namespace vakt::incident
