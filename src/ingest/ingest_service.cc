#include "ingest/ingest_service.h"

#include <fmt/format.h>

#include "common/json_parse.h"
#include "common/time_format.h"
#include "ingest/alertmanager_format.h"
#include "ingest/pagerduty_format.h"
#include "ingest/postable_fast_path.h"

namespace vakt::ingest {

IngestService::IngestService(storage::AlertStore& store, CommitQueue& queue, const Clock& clock,
                             IngestLimits limits, MetricsRegistry& metrics)
    : store_(store), queue_(queue), clock_(clock), limits_(limits), metrics_(metrics) {}

Result<nlohmann::json> IngestService::Parse(std::string_view body, size_t max_bytes) {
  if (body.size() > max_bytes) {
    return Status::ResourceExhausted(
        fmt::format("body of {} bytes exceeds the limit of {} bytes", body.size(), max_bytes));
  }
  JsonLimits json_limits;
  json_limits.max_depth = limits_.max_json_depth;
  return ParseJsonStrict(body, json_limits);
}

Result<IngestReport> IngestService::Commit(std::vector<Alert> alerts, FieldErrors errors,
                                           const char* endpoint) {
  IngestReport report;
  report.errors = std::move(errors);
  report.accepted = alerts.size();
  if (!alerts.empty()) {
    VAKT_ASSIGN_OR_RETURN(auto upserts, queue_.Submit(std::move(alerts)));
    size_t created = 0;
    for (const auto& upsert : upserts) created += upsert.created ? 1 : 0;
    metrics_
        .GetCounter("vakt_ingest_alerts_total", "Alerts committed, by endpoint and kind",
                    {{"endpoint", endpoint}, {"kind", "new"}})
        .Increment(created);
    metrics_
        .GetCounter("vakt_ingest_alerts_total", "Alerts committed, by endpoint and kind",
                    {{"endpoint", endpoint}, {"kind", "update"}})
        .Increment(upserts.size() - created);
  }
  if (!report.errors.empty()) {
    metrics_
        .GetCounter("vakt_ingest_invalid_alerts_total", "Alerts refused as invalid, by endpoint",
                    {{"endpoint", endpoint}})
        .Increment(report.errors.size());
  }
  return report;
}

Result<IngestReport> IngestService::IngestAlertmanagerApi(std::string_view body) {
  // Plain, valid bodies (what Prometheus sends) skip the DOM; anything else, including every
  // error, goes through the strict parser below.
  if (body.size() <= limits_.max_body_bytes) {
    if (auto fast = TryParsePostableAlertsFast(body, clock_.NowMs(), limits_); fast) {
      return Commit(std::move(*fast), {}, "alertmanager_api");
    }
  }
  VAKT_ASSIGN_OR_RETURN(auto json, Parse(body, limits_.max_body_bytes));
  ParsedAlerts parsed = ParsePostableAlerts(json, clock_.NowMs(), limits_);
  return Commit(std::move(parsed.alerts), std::move(parsed.errors), "alertmanager_api");
}

Result<IngestReport> IngestService::IngestAlertmanagerWebhook(std::string_view body) {
  VAKT_ASSIGN_OR_RETURN(auto json, Parse(body, limits_.max_body_bytes));
  VAKT_ASSIGN_OR_RETURN(WebhookMessage message, ParseWebhookV4(json, clock_.NowMs(), limits_));
  return Commit(std::move(message.parsed.alerts), std::move(message.parsed.errors),
                "alertmanager_webhook");
}

Result<PagerDutyReport> IngestService::IngestPagerDutyEvent(std::string_view body) {
  VAKT_ASSIGN_OR_RETURN(auto json, Parse(body, limits_.max_pagerduty_body_bytes));
  TimeMs now = clock_.NowMs();
  PagerDutyParse parsed = ParsePagerDutyEvent(json, now);
  PagerDutyReport report;
  report.errors = std::move(parsed.errors);
  if (!report.errors.empty()) return report;
  PagerDutyEvent& event = parsed.event;
  report.dedup_key = event.dedup_key;
  Alert alert = std::move(event.alert);
  if (event.action != PagerDutyAction::kTrigger) {
    // Acknowledge/resolve act on the stored alert; PagerDuty answers 202 for unknown keys too.
    auto stored = store_.GetAlert(alert.fingerprint);
    if (stored.status().code() == StatusCode::kNotFound) return report;
    if (!stored.ok()) return stored.status();
    alert = std::move(*stored);
    alert.updated_at = now;
    if (event.action == PagerDutyAction::kResolve) {
      alert.ends_at = std::max(now, alert.starts_at);
    } else {
      alert.annotations["pagerduty_status"] = "acknowledged";
    }
  }
  const char* endpoint = "pagerduty";
  VAKT_ASSIGN_OR_RETURN(auto committed, Commit({std::move(alert)}, {}, endpoint));
  (void)committed;
  return report;
}

Result<PagerDutyReport> IngestService::IngestPagerDutyChange(std::string_view body) {
  VAKT_ASSIGN_OR_RETURN(auto json, Parse(body, limits_.max_pagerduty_body_bytes));
  PagerDutyReport report;
  auto change = ParsePagerDutyChange(json, clock_.NowMs(), report.errors);
  if (!report.errors.empty()) return report;
  if (!change.ok()) return change.status();
  VAKT_ASSIGN_OR_RETURN(auto id, store_.AddChangeEvent(*change));
  (void)id;
  return report;
}

Result<std::int64_t> IngestService::RecordDeployment(std::string_view body) {
  VAKT_ASSIGN_OR_RETURN(auto json, Parse(body, limits_.max_body_bytes));
  if (!json.is_object()) return Status::InvalidArgument("body: must be a JSON object");
  storage::ChangeEvent change;
  auto text = [&](const char* key, bool required, std::string& out) -> Status {
    auto found = json.find(key);
    if (found == json.end() || found->is_null()) {
      return required ? Status::InvalidArgument(fmt::format("{}: is required", key)) : Status::Ok();
    }
    if (!found->is_string()) return Status::InvalidArgument(fmt::format("{}: must be a string", key));
    if (found->get_ref<const std::string&>().size() > 1024) {
      return Status::InvalidArgument(fmt::format("{}: longer than 1024 characters", key));
    }
    out = found->get<std::string>();
    return Status::Ok();
  };
  VAKT_RETURN_IF_ERROR(text("pipeline", true, change.pipeline));
  VAKT_RETURN_IF_ERROR(text("version", true, change.version));
  VAKT_RETURN_IF_ERROR(text("summary", false, change.summary));
  VAKT_RETURN_IF_ERROR(text("source", false, change.source));
  if (change.pipeline.empty()) return Status::InvalidArgument("pipeline: must not be empty");
  if (change.summary.empty()) change.summary = "deployed " + change.version;
  if (change.source.empty()) change.source = "api";
  change.timestamp = clock_.NowMs();
  std::string timestamp;
  VAKT_RETURN_IF_ERROR(text("timestamp", false, timestamp));
  if (!timestamp.empty()) {
    auto parsed = ParseRfc3339(timestamp);
    if (!parsed.ok()) return Status::InvalidArgument("timestamp: " + parsed.status().message());
    change.timestamp = *parsed;
  }
  change.payload_json = json.dump();
  return store_.AddChangeEvent(change);
}

}  // namespace vakt::ingest
