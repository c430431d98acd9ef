#include "api/alert_routes.h"

#include <fmt/format.h>

#include "api/matcher.h"
#include "common/crypto.h"
#include "common/redact.h"
#include "common/time_format.h"
#include "ingest/alertmanager_format.h"

namespace vakt::api {
namespace {

// Ingest answers: 200 with an empty body (Alertmanager) when everything was stored; 400 naming
// the invalid alerts otherwise (the valid ones of the batch are stored, as Alertmanager does).
Response IngestAnswer(const Result<ingest::IngestReport>& report) {
  if (!report.ok()) {
    if (report.status().code() == StatusCode::kResourceExhausted &&
        report.status().message().find("body of") != std::string::npos) {
      return ProblemResponse(413, report.status().message());
    }
    return ProblemResponse(report.status());
  }
  if (!report->errors.empty()) {
    std::string detail = fmt::format("{} invalid alert(s); {} valid alert(s) stored",
                                     report->errors.size(), report->accepted);
    return ProblemResponse(400, detail, report->errors);
  }
  Response response;
  response.status = 200;
  return response;
}

// PagerDuty answers in its own shapes: 202 success, 400 invalid event, 413/429/503.
Response PagerDutyAnswer(const Result<ingest::PagerDutyReport>& report, bool change) {
  if (!report.ok()) {
    if (report.status().code() == StatusCode::kResourceExhausted &&
        report.status().message().find("body of") != std::string::npos) {
      return ProblemResponse(413, report.status().message());
    }
    Response response = ProblemResponse(report.status());
    if (report.status().code() == StatusCode::kInvalidArgument) {
      return JsonResponse(400, {{"status", "invalid event"},
                                {"message", "Event object is invalid"},
                                {"errors", {report.status().message()}}});
    }
    return response;
  }
  if (!report->errors.empty()) {
    return JsonResponse(400, {{"status", "invalid event"},
                              {"message", "Event object is invalid"},
                              {"errors", report->errors}});
  }
  if (change)
    return JsonResponse(202, {{"status", "success"}, {"message", "Change event processed"}});
  return JsonResponse(
      202,
      {{"status", "success"}, {"message", "Event processed"}, {"dedup_key", report->dedup_key}});
}

Result<std::vector<LabelMatcher>> MatchersFrom(const Request& request) {
  std::vector<LabelMatcher> matchers;
  for (const std::string& filter : request.QueryAll("filter")) {
    VAKT_ASSIGN_OR_RETURN(auto parsed, LabelMatcher::ParseList(filter));
    matchers.insert(matchers.end(), parsed.begin(), parsed.end());
  }
  return matchers;
}

bool MatchesAll(const std::vector<LabelMatcher>& matchers, const Alert& alert) {
  for (const auto& matcher : matchers) {
    if (!matcher.Matches(alert.labels)) return false;
  }
  return true;
}

// CollectAlerts pages through the store applying matchers until `limit` alerts are found.
Result<std::vector<Alert>> CollectAlerts(storage::AlertStore& store, storage::AlertQuery query,
                                         const std::vector<LabelMatcher>& matchers, size_t limit,
                                         bool& more) {
  std::vector<Alert> found;
  more = false;
  query.limit = 1000;
  while (true) {
    VAKT_ASSIGN_OR_RETURN(auto page, store.ListAlerts(query));
    for (Alert& alert : page) {
      if (!MatchesAll(matchers, alert)) continue;
      if (found.size() == limit) {
        more = true;
        return found;
      }
      found.push_back(std::move(alert));
    }
    if (page.size() < query.limit) return found;
    query.has_cursor = true;
    query.after_fingerprint = page.back().fingerprint;
  }
}

}  // namespace

void RegisterAlertRoutes(HttpServer& server, const AlertRoutesContext& context) {
  auto* ingest = context.ingest;
  auto* database = context.database;
  const Clock* clock = context.clock;

  server.Route("POST", "/api/v2/alerts", "alertmanager_api", [ingest](const Request& request) {
    return IngestAnswer(ingest->IngestAlertmanagerApi(request.body));
  });
  server.Route("POST", "/api/v1/ingest/alertmanager", "alertmanager_webhook",
               [ingest](const Request& request) {
                 return IngestAnswer(ingest->IngestAlertmanagerWebhook(request.body));
               });
  server.Route("POST", "/v2/enqueue", "pagerduty", [ingest](const Request& request) {
    return PagerDutyAnswer(ingest->IngestPagerDutyEvent(request.body), false);
  });
  server.Route("POST", "/v2/change/enqueue", "pagerduty_change", [ingest](const Request& request) {
    return PagerDutyAnswer(ingest->IngestPagerDutyChange(request.body), true);
  });
  server.Route("POST", "/api/v1/deployments", "deployments", [ingest](const Request& request) {
    auto id = ingest->RecordDeployment(request.body);
    if (!id.ok()) return ProblemResponse(id.status());
    return JsonResponse(201, {{"id", *id}});
  });
  server.Route(
      "GET", "/api/v1/deployments", "deployments_list", [database](const Request& request) {
        auto events =
            database->alerts().ListChangeEvents(request.Query("pipeline").value_or(""), 0, 200);
        if (!events.ok()) return ProblemResponse(events.status());
        nlohmann::json list = nlohmann::json::array();
        for (const auto& event : *events) {
          list.push_back({{"id", event.id},
                          {"pipeline", event.pipeline},
                          {"version", event.version},
                          {"summary", event.summary},
                          {"source", event.source},
                          {"timestamp", FormatRfc3339(event.timestamp)}});
        }
        return JsonResponse(200, {{"deployments", list}});
      });

  // Alertmanager API v2 reads, enough for `amtool alert query` (active alerts only, as AM).
  server.Route("GET", "/api/v2/alerts", "alertmanager_api_list",
               [database, clock](const Request& request) {
                 auto matchers = MatchersFrom(request);
                 if (!matchers.ok()) return ProblemResponse(matchers.status());
                 storage::AlertQuery query;
                 query.state = storage::AlertQuery::State::kActive;
                 query.now = clock->NowMs();
                 if (request.Query("active") == "false")
                   return JsonResponse(200, nlohmann::json::array());
                 bool more = false;
                 auto alerts = CollectAlerts(database->alerts(), query, *matchers, 100000, more);
                 if (!alerts.ok()) return ProblemResponse(alerts.status());
                 nlohmann::json list = nlohmann::json::array();
                 for (const auto& alert : *alerts)
                   list.push_back(ingest::AlertToApiJson(alert, query.now));
                 return JsonResponse(200, list);
               });
  server.Route("GET", "/api/v2/status", "alertmanager_status", [context](const Request&) {
    return JsonResponse(
        200, {{"cluster",
               {{"name", "vakt"}, {"status", "disabled"}, {"peers", nlohmann::json::array()}}},
              {"versionInfo",
               {{"version", context.version},
                {"branch", "main"},
                {"buildUser", "vakt"},
                {"buildDate", ""},
                {"goVersion", "n/a (C++)"},
                {"revision", ""}}},
              {"config", {{"original", RedactUrlCredentials(context.config_text)}}},
              {"uptime", FormatRfc3339(context.started_at)}});
  });
  server.Route("GET", "/api/v2/receivers", "alertmanager_receivers", [](const Request&) {
    return JsonResponse(200, nlohmann::json::array({{{"name", "vakt"}}}));
  });
  server.Route("GET", "/api/v2/silences", "alertmanager_silences",
               [](const Request&) { return JsonResponse(200, nlohmann::json::array()); });

  // vakt's own alert listing: state filter, label matchers, cursor pagination.
  server.Route("GET", "/api/v1/alerts", "alerts_list", [database, clock](const Request& request) {
    auto matchers = MatchersFrom(request);
    if (!matchers.ok()) return ProblemResponse(matchers.status());
    storage::AlertQuery query;
    query.now = clock->NowMs();
    std::string state = request.Query("state").value_or("active");
    if (state == "active")
      query.state = storage::AlertQuery::State::kActive;
    else if (state == "resolved")
      query.state = storage::AlertQuery::State::kResolved;
    else if (state == "all")
      query.state = storage::AlertQuery::State::kAny;
    else
      return ProblemResponse(400, "state: must be active, resolved or all");
    size_t limit = 100;
    if (auto raw = request.Query("limit")) {
      try {
        limit = std::stoul(*raw);
      } catch (const std::exception&) {
        return ProblemResponse(400, "limit: must be a number from 1 to 1000");
      }
      if (limit == 0 || limit > 1000) return ProblemResponse(400, "limit: must be from 1 to 1000");
    }
    if (auto cursor = request.Query("cursor")) {
      auto bytes = HexDecode(*cursor);
      if (!bytes.ok() || bytes->size() != 8) return ProblemResponse(400, "cursor: invalid");
      std::uint64_t value = 0;
      for (unsigned char c : *bytes) value = (value << 8) | c;
      query.has_cursor = true;
      query.after_fingerprint = value;
    }
    bool more = false;
    auto alerts = CollectAlerts(database->alerts(), query, *matchers, limit, more);
    if (!alerts.ok()) return ProblemResponse(alerts.status());
    nlohmann::json list = nlohmann::json::array();
    for (const auto& alert : *alerts) {
      nlohmann::json item = ingest::AlertToApiJson(alert, query.now);
      item["state"] = alert.ends_at > query.now ? "active" : "resolved";
      item["source"] = AlertSourceName(alert.source);
      item.erase("receivers");
      item.erase("status");
      list.push_back(std::move(item));
    }
    nlohmann::json body = {{"alerts", list}};
    body["next_cursor"] = more && !alerts->empty()
                              ? nlohmann::json(FingerprintHex(alerts->back().fingerprint))
                              : nlohmann::json(nullptr);
    return JsonResponse(200, body);
  });
}

}  // namespace vakt::api
