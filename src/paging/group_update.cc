#include "paging/group_update.h"

#include <fmt/format.h>

#include <map>

#include "common/time_format.h"
#include "storage/sql_group_notice_store.h"
#include "storage/sql_incident_event.h"
#include "storage/sql_incident_store.h"
#include "storage/sql_outbox.h"
#include "storage/write_transaction.h"

namespace vakt::paging {
namespace {

std::string DescribeAlert(const Alert& alert) {
  std::string line(LabelValue(alert.labels, "alertname"));
  if (line.empty()) line = FingerprintHex(alert.fingerprint);
  std::string labels;
  for (const auto& [name, value] : alert.labels) {
    if (name == "alertname") continue;
    labels += fmt::format("{}{}=\"{}\"", labels.empty() ? "" : ", ", name, value);
  }
  if (!labels.empty()) line += " {" + labels + "}";
  std::string_view summary = LabelValue(alert.annotations, "summary");
  if (!summary.empty()) line += fmt::format(": {}", summary);
  return line;
}

nlohmann::json AlertJson(const Alert& alert) {
  return {{"fingerprint", FingerprintHex(alert.fingerprint)},
          {"labels", alert.labels},
          {"annotations", alert.annotations},
          {"starts_at", FormatRfc3339(alert.starts_at)}};
}

}  // namespace

GroupUpdateText RenderGroupUpdate(const Incident& incident, const std::vector<Alert>& joined,
                                  size_t total_alerts) {
  GroupUpdateText out;
  std::string reference = incident.Key();
  out.subject = fmt::format("[vakt] {} {} new alert{} joined: {}", reference, joined.size(),
                            joined.size() == 1 ? "" : "s", incident.title);
  out.text = fmt::format(
      "{}: {}\nState: {}\n{} alert{} joined since the last notification ({} in "
      "total):\n",
      reference, incident.title, IncidentStateName(incident.state), joined.size(),
      joined.size() == 1 ? "" : "s", total_alerts);
  nlohmann::json listed = nlohmann::json::array();
  for (size_t index = 0; index < joined.size() && index < kMaxListedAlerts; ++index) {
    out.text += "- " + DescribeAlert(joined[index]) + "\n";
    listed.push_back(AlertJson(joined[index]));
  }
  if (joined.size() > kMaxListedAlerts) {
    out.text += fmt::format("… and {} more\n", joined.size() - kMaxListedAlerts);
  }
  out.text +=
      fmt::format("Runbook: {}\nDetails: vakt incident show {}", incident.runbook_id, incident.id);
  out.payload = {{"type", "incident.alerts_joined"},
                 {"incident", reference},
                 {"title", incident.title},
                 {"severity", incident.severity},
                 {"state", IncidentStateName(incident.state)},
                 {"runbook", incident.runbook_id},
                 {"drill", incident.drill},
                 {"joined", joined.size()},
                 {"total_alerts", total_alerts},
                 {"alerts", listed},
                 {"text", out.text}};
  return out;
}

namespace {

// AnnounceOne sends one incident's pending update; false when another instance got there first.
Result<bool> AnnounceOne(storage::Database& database, const storage::PendingGroupUpdate& pending,
                         const Incident& incident, const DeliveryRoute& route, TimeMs now,
                         GroupUpdateCounts& counts) {
  storage::SqlIncidentStore store(database);
  VAKT_ASSIGN_OR_RETURN(std::vector<Alert> alerts, store.ListIncidentAlerts(incident.id));
  std::map<std::uint64_t, const Alert*> by_fingerprint;
  for (const Alert& alert : alerts) by_fingerprint[alert.fingerprint] = &alert;
  bool announced = false;
  Status status =
      storage::RunInWriteTransaction(database, [&](storage::SqlConnection& conn) -> Status {
        announced = false;
        VAKT_ASSIGN_OR_RETURN(auto claimed, storage::ClaimGroupUpdate(
                                                conn, incident.id, pending.notified_through, now));
        if (!claimed) return Status::Ok();
        std::vector<Alert> joined;
        for (const storage::JoinedAlert& item : *claimed) {
          auto found = by_fingerprint.find(item.fingerprint);
          if (found != by_fingerprint.end()) joined.push_back(*found->second);
        }
        GroupUpdateText update = RenderGroupUpdate(incident, joined, alerts.size());
        VAKT_ASSIGN_OR_RETURN(auto contacts, storage::ListPagedContacts(conn, incident.id));
        int enqueued = 0;
        for (const storage::PagedContact& contact : contacts) {
          storage::OutboxMessage message;
          message.idempotency_key =
              fmt::format("group-update:{}:{}:{}:{}", incident.Key(), claimed->back().attached_at,
                          contact.channel, contact.target);
          message.channel = contact.channel;
          message.target = contact.target;
          message.subject = update.subject;
          message.payload = update.payload.dump();
          message.incident_id = incident.id;
          message = route.Apply(std::move(message), incident.drill);
          VAKT_ASSIGN_OR_RETURN(bool inserted, storage::EnqueueNotification(conn, message, now));
          if (inserted) ++enqueued;
        }
        IncidentEvent event;
        event.incident_id = incident.id;
        event.time = now;
        event.actor = "vakt";
        event.kind = "alerts_announced";
        event.reason = fmt::format("{} joined alert(s) announced to {} contact(s) (group_interval)",
                                   claimed->size(), contacts.size());
        event.details = {{"alerts", claimed->size()}, {"recipients", contacts.size()}};
        VAKT_RETURN_IF_ERROR(storage::InsertIncidentEvent(conn, event));
        counts.messages += enqueued;
        announced = true;
        return Status::Ok();
      });
  if (!status.ok()) return status;
  return announced;
}

}  // namespace

Result<GroupUpdateCounts> RunGroupUpdatePass(storage::Database& database,
                                             const GroupIntervalLookup& interval_of,
                                             const DeliveryRoute& route, TimeMs now, int limit) {
  GroupUpdateCounts counts;
  VAKT_ASSIGN_OR_RETURN(auto pending, storage::ListPendingGroupUpdates(database, limit));
  storage::SqlIncidentStore store(database);
  Status first_error = Status::Ok();
  for (const storage::PendingGroupUpdate& item : pending) {
    auto incident = store.GetIncident(item.incident_id);
    if (!incident.ok()) {
      if (first_error.ok()) first_error = incident.status();
      continue;
    }
    // Alertmanager's rule: nothing new goes out sooner than group_interval after the last
    // notification of the group (the page at open counts as the first).
    if (now < item.last_sent_at + interval_of(incident->runbook_id)) continue;
    auto announced = AnnounceOne(database, item, *incident, route, now, counts);
    if (!announced.ok()) {
      if (first_error.ok()) first_error = announced.status();
      continue;
    }
    if (*announced) ++counts.updates;
  }
  if (!first_error.ok()) return first_error;
  return counts;
}

}  // namespace vakt::paging
