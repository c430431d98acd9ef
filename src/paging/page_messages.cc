#include "paging/page_messages.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

#include "paging/notification_template.h"
#include "template/template.h"

namespace vakt::paging {
namespace {

std::string ReadIfPresent(const std::filesystem::path& path) {
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) return "";
  std::ifstream file(path);
  std::stringstream buffer;
  buffer << file.rdbuf();
  return buffer.str();
}

// RenderPage renders a page template into {subject, text}; nullopt when it does not render.
std::optional<std::pair<std::string, std::string>> RenderPage(const std::string& source,
                                                              const nlohmann::json& context) {
  auto rendered = RenderSubjectAndBody(source, context);
  if (!rendered.ok()) {
    spdlog::warn("page template not used: {}", rendered.status().ToString());
    return std::nullopt;
  }
  return std::move(*rendered);
}

}  // namespace

PageTemplates LoadPageTemplates(const std::string& templates_dir) {
  PageTemplates templates;
  if (templates_dir.empty()) return templates;
  const std::filesystem::path dir(templates_dir);
  // A file that does not pass the check is not used: the page still goes out, and the log names
  // the file to fix.
  auto read_checked = [](const std::filesystem::path& path) {
    std::string source = ReadIfPresent(path);
    if (source.empty()) return source;
    Status checked = CheckTemplateSource(source, PageContextKeys(), path.string());
    if (checked.ok()) return source;
    spdlog::error("page template not used: {}", checked.ToString());
    return std::string();
  };
  templates.any = read_checked(dir / "page.mustache");
  for (const char* channel : kTemplateChannels) {
    std::string source = read_checked(dir / (std::string("page.") + channel + ".mustache"));
    if (!source.empty()) templates.by_channel[channel] = std::move(source);
  }
  return templates;
}

namespace {

// PageFacts are the page's facts that the webhook payload and the template context both carry,
// under the same names; each adds its own keys.
nlohmann::json PageFacts(const escalation::PageIntent& page, const oncall::User& user,
                         const PagedIncident& incident) {
  return {{"title", incident.title},
          {"severity", incident.severity},
          {"runbook", incident.runbook_id},
          {"policy", page.policy_id},
          {"level", page.level + 1},
          {"loop", page.loop},
          {"user", user.id},
          {"via", page.target},
          {"drill", incident.drill}};
}

}  // namespace

nlohmann::json PageContext(const escalation::PageIntent& page, const oncall::User& user,
                           const PagedIncident& incident) {
  nlohmann::json context = PageFacts(page, user, incident);
  context["reference"] = "INC-" + std::to_string(incident.id);
  context["user_name"] = user.name;
  context["incident_id"] = incident.id;
  return context;
}

std::vector<storage::OutboxMessage> PageMessages(const escalation::PageIntent& page,
                                                 const oncall::User& user,
                                                 const PagedIncident& incident,
                                                 const PageTemplates* templates) {
  std::string reference = "INC-" + std::to_string(incident.id);
  std::string subject = fmt::format("[vakt] {} {} ({}, level {})", reference, incident.title,
                                    incident.severity, page.level + 1);
  std::string text = fmt::format(
      "{}: {}\nSeverity: {}\nRunbook: {}\nPaged: {} via {} (escalation {}, level {})\n"
      "Acknowledge: vakt incident ack {}",
      reference, incident.title, incident.severity, incident.runbook_id, user.name, page.target,
      page.policy_id, page.level + 1, incident.id);
  nlohmann::json payload = PageFacts(page, user, incident);
  payload["type"] = "incident.page";
  payload["incident"] = reference;
  payload["text"] = text;
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
    if (templates != nullptr) {
      auto specific = templates->by_channel.find(message.channel);
      const std::string& source =
          specific != templates->by_channel.end() ? specific->second : templates->any;
      if (!source.empty()) {
        if (auto rendered = RenderPage(source, PageContext(page, user, incident))) {
          nlohmann::json templated = payload;
          templated["text"] = rendered->second;
          message.subject = rendered->first;
          message.payload = templated.dump();
        }
      }
    }
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
