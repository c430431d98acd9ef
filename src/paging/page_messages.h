#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "escalation/escalation_engine.h"
#include "oncall/user.h"
#include "storage/sql_outbox.h"

namespace vakt::paging {

// PagedIncident is what a page says about its incident.
struct PagedIncident {
  std::int64_t id = 0;
  std::string title;
  std::string severity;
  std::string runbook_id;
  bool drill = false;
};

// PageTemplates are the "page" moment's templates from the templates directory: page.mustache
// and per channel page.<channel>.mustache (first line "Subject: …", like the notices). Empty
// means the built-in text.
struct PageTemplates {
  std::string any;                                // page.mustache
  std::map<std::string, std::string> by_channel;  // page.slack.mustache, ...
};

// LoadPageTemplates reads whichever of those files exist in `templates_dir` ("" = none). A file
// that fails CheckTemplateSource (notification_template.h) is logged, naming it, and left out, so
// that channel falls back to page.mustache or the built-in text.
PageTemplates LoadPageTemplates(const std::string& templates_dir);

// PageContext is the page templates' context: reference, incident_id, title, severity, runbook,
// policy, level (1-based), loop, user, user_name, via, drill. Pure.
nlohmann::json PageContext(const escalation::PageIntent& page, const oncall::User& user,
                           const PagedIncident& incident);

// PageMessages expands one page into the outbox messages for the user's contact methods, timed
// by the user's notification rules (oncall::PlanNotifications): channel "email" to the
// address, "slack" to the Slack user id, "webhook" to the URL. Keys are the page's idempotency
// key plus ":<n>:<channel>" so each contact is delivered at most once. The payload is a JSON
// object with "text" and the page facts (a webhook body). With `templates`, subject and text
// come from the channel's page template (context: reference, title, severity, runbook, policy,
// level, loop, user, user_name, via, drill); a template that fails to render falls back to the
// built-in text, because a page must never be lost to a template mistake. Pure.
std::vector<storage::OutboxMessage> PageMessages(const escalation::PageIntent& page,
                                                 const oncall::User& user,
                                                 const PagedIncident& incident,
                                                 const PageTemplates* templates = nullptr);

// PageChannels names the channels of `messages`, comma-separated in order ("slack,email").
std::string PageChannels(const std::vector<storage::OutboxMessage>& messages);

}  // namespace vakt::paging
