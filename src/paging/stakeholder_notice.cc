#include "paging/stakeholder_notice.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "common/time_format.h"
#include "paging/notification_template.h"
#include "storage/sql_audit_append.h"
#include "storage/sql_outbox.h"
#include "template/template.h"

namespace vakt::paging {
namespace {

constexpr size_t kMaxRecipients = 50;
constexpr size_t kMaxRecipientBytes = 500;

std::string OptionalTime(TimeMs time) { return time > 0 ? FormatRfc3339(time) : ""; }

Result<std::pair<std::string, std::string>> ParseRecipient(const std::string& recipient,
                                                           size_t index) {
  std::string field = fmt::format("to[{}]", index);
  if (recipient.size() > kMaxRecipientBytes) {
    return Status::InvalidArgument(field + " is longer than 500 bytes");
  }
  if (recipient.find_first_of("\r\n\t ") != std::string::npos) {
    return Status::InvalidArgument(field + " contains whitespace");
  }
  size_t colon = recipient.find(':');
  if (colon == std::string::npos) {
    return Status::InvalidArgument(field + " must be email:ADDRESS, slack:URL or webhook:URL");
  }
  std::string channel = recipient.substr(0, colon);
  std::string target = recipient.substr(colon + 1);
  if (channel == "email") {
    size_t at = target.find('@');
    if (at == std::string::npos || at == 0 || at + 1 == target.size()) {
      return Status::InvalidArgument(field + " is not an e-mail address");
    }
  } else if (channel == "slack" || channel == "webhook") {
    if (target.rfind("https://", 0) != 0 && target.rfind("http://", 0) != 0) {
      return Status::InvalidArgument(field + " must be an http(s) URL");
    }
  } else {
    return Status::InvalidArgument(field + " channel must be email, slack or webhook");
  }
  return std::make_pair(channel, target);
}

}  // namespace

const std::vector<std::string> kNoticeTemplates = {"stakeholder-initial", "update", "resolution",
                                                   "regulator-initial"};

Result<std::string> LoadNoticeTemplate(const std::string& templates_dir, const std::string& name,
                                       const std::string& channel) {
  if (std::find(kNoticeTemplates.begin(), kNoticeTemplates.end(), name) == kNoticeTemplates.end()) {
    return Status::InvalidArgument(
        "template must be one of stakeholder-initial, update, "
        "resolution, regulator-initial");
  }
  std::string path = (std::filesystem::path(templates_dir) / (name + ".mustache")).string();
  if (!channel.empty()) {
    // Channel names are the fixed webhook/slack/email set, never request text.
    std::string specific =
        (std::filesystem::path(templates_dir) / (name + "." + channel + ".mustache")).string();
    std::error_code error;
    if (std::filesystem::is_regular_file(specific, error)) path = specific;
  }
  std::ifstream file(path);
  if (!file) return Status::NotFound("template file " + path + " is not readable");
  std::stringstream buffer;
  buffer << file.rdbuf();
  // Checked here, naming the file, rather than failing later as an anonymous render error.
  VAKT_RETURN_IF_ERROR(CheckTemplateSource(buffer.str(), NoticeContextKeys(), path));
  return buffer.str();
}

nlohmann::json NoticeContext(const Incident& incident) {
  return {{"id", incident.id},
          {"reference", incident.Key()},
          {"title", incident.title},
          {"severity", incident.severity},
          {"state", IncidentStateName(incident.state)},
          {"runbook", incident.runbook_id},
          {"runbook_version", incident.runbook_version},
          {"assignee", incident.assignee},
          {"drill", incident.drill},
          {"created_at", OptionalTime(incident.created_at)},
          {"acknowledged_at", OptionalTime(incident.acknowledged_at)},
          {"mitigated_at", OptionalTime(incident.mitigated_at)},
          {"resolved_at", OptionalTime(incident.resolved_at)},
          {"context", incident.context}};
}

Result<std::pair<std::string, std::string>> RenderNotice(std::string_view source,
                                                         const Incident& incident) {
  // Lenient: top-level names were checked when the file was loaded (CheckTemplateSource), so what
  // can still be missing is optional data such as a context snapshot field this incident lacks,
  // and that must not stop stakeholders from being told.
  templating::RenderOptions options;
  options.missing = templating::MissingVariables::kLenient;
  return RenderSubjectAndBody(source, NoticeContext(incident), options);
}

Result<NoticeResult> EnqueueNotice(storage::Database& database, const std::string& templates_dir,
                                   const Incident& incident, const NoticeRequest& request,
                                   const DeliveryRoute& route, TimeMs now) {
  if (request.to.empty()) return Status::InvalidArgument("to must name at least one recipient");
  if (request.to.size() > kMaxRecipients) {
    return Status::InvalidArgument("to has more than 50 recipients");
  }
  std::vector<std::pair<std::string, std::string>> recipients;
  for (size_t index = 0; index < request.to.size(); ++index) {
    VAKT_ASSIGN_OR_RETURN(auto recipient, ParseRecipient(request.to[index], index));
    recipients.push_back(std::move(recipient));
  }
  // One rendering per channel: a channel may have its own template for the moment.
  std::map<std::string, std::pair<std::string, std::string>> rendered_for;
  for (const auto& [channel, target] : recipients) {
    if (rendered_for.count(channel)) continue;
    VAKT_ASSIGN_OR_RETURN(std::string source,
                          LoadNoticeTemplate(templates_dir, request.template_name, channel));
    VAKT_ASSIGN_OR_RETURN(rendered_for[channel], RenderNotice(source, incident));
  }
  NoticeResult result;
  result.subject = rendered_for.at(recipients.front().first).first;
  bool is_update = request.template_name == "update";
  std::string prefix = fmt::format("notice:{}:{}:", incident.Key(), request.template_name);
  Status status = database.RunWrite([&](storage::SqlConnection& conn) -> Status {
    result.keys.clear();
    result.throttled = false;
    storage::SqlTransaction txn(conn);
    VAKT_RETURN_IF_ERROR(txn.begin_status());
    std::string batch = prefix;
    if (is_update) {
      // group_interval: one update per interval and incident, however often responders ask.
      VAKT_ASSIGN_OR_RETURN(auto last, storage::LastNotificationAt(conn, prefix));
      if (last && now < *last + request.group_interval_ms) {
        result.throttled = true;
        result.next_allowed_at = *last + request.group_interval_ms;
        return Status::Ok();
      }
      batch += std::to_string(now) + ":";
    }
    for (const auto& [channel, target] : recipients) {
      const auto& rendered = rendered_for.at(channel);
      nlohmann::json payload = {{"type", "incident.notice"},
                                {"template", request.template_name},
                                {"incident", incident.Key()},
                                {"subject", rendered.first},
                                {"text", rendered.second}};
      storage::OutboxMessage message;
      message.idempotency_key = batch + channel + ":" + target;
      message.channel = channel;
      message.target = target;
      message.subject = rendered.first;
      message.payload = payload.dump();
      message.incident_id = incident.id;
      message = route.Apply(std::move(message), incident.drill);
      VAKT_ASSIGN_OR_RETURN(bool inserted, storage::EnqueueNotification(conn, message, now));
      if (inserted) result.keys.push_back(message.idempotency_key);
    }
    audit::AuditEvent event;
    event.actor = request.actor;
    event.action = "incident.notify";
    event.subject = "incident/" + incident.Key();
    event.details = {{"template", request.template_name},
                     {"recipients", request.to},
                     {"enqueued", result.keys.size()}};
    VAKT_RETURN_IF_ERROR(storage::AppendAuditEvent(conn, event, now).status());
    return txn.Commit();
  });
  if (!status.ok()) return status;
  return result;
}

}  // namespace vakt::paging
