#include "paging/page_messages.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace vakt::paging {

std::vector<storage::OutboxMessage> PageMessages(const escalation::PageIntent& page,
                                                 const oncall::User& user,
                                                 const PagedIncident& incident) {
  std::string reference = "INC-" + std::to_string(incident.id);
  std::string subject = fmt::format("[vakt] {} {} ({}, level {})", reference, incident.title,
                                    incident.severity, page.level + 1);
  std::string text = fmt::format(
      "{}: {}\nSeverity: {}\nRunbook: {}\nPaged: {} via {} (escalation {}, level {})\n"
      "Acknowledge: vakt incident ack {}",
      reference, incident.title, incident.severity, incident.runbook_id, user.name, page.target,
      page.policy_id, page.level + 1, incident.id);
  nlohmann::json payload = {{"type", "incident.page"},
                            {"incident", reference},
                            {"title", incident.title},
                            {"severity", incident.severity},
                            {"runbook", incident.runbook_id},
                            {"policy", page.policy_id},
                            {"level", page.level + 1},
                            {"loop", page.loop},
                            {"user", user.id},
                            {"via", page.target},
                            {"drill", incident.drill},
                            {"text", text}};
  std::vector<storage::OutboxMessage> messages;
  int index = 0;
  for (const oncall::PlannedContact& contact : oncall::PlanNotifications(user, page.fired_at)) {
    storage::OutboxMessage message;
    message.channel = oncall::ContactKindName(contact.kind);
    message.idempotency_key =
        fmt::format("{}:{}:{}", page.idempotency_key, index++, message.channel);
    message.target = contact.address;
    message.subject = subject;
    message.payload = payload.dump();
    message.incident_id = incident.id;
    message.page_key = page.idempotency_key;
    message.not_before = contact.at;
    messages.push_back(std::move(message));
  }
  return messages;
}

std::string PageChannels(const std::vector<storage::OutboxMessage>& messages) {
  std::string channels;
  for (const auto& message : messages) {
    if (!channels.empty()) channels += ",";
    channels += message.channel;
  }
  return channels;
}

}  // namespace vakt::paging
