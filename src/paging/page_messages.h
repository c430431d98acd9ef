#pragma once

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

// PageMessages expands one page into the outbox messages for the user's contact methods, timed
// by the user's notification rules (oncall::PlanNotifications): channel "email" to the
// address, "slack" to the Slack user id, "webhook" to the URL. Keys are the page's idempotency
// key plus ":<n>:<channel>" so each contact is delivered at most once. The payload is a JSON
// object with "text" and the page facts (a webhook body). Pure.
std::vector<storage::OutboxMessage> PageMessages(const escalation::PageIntent& page,
                                                 const oncall::User& user,
                                                 const PagedIncident& incident);

// PageChannels names the channels of `messages`, comma-separated in order ("slack,email").
std::string PageChannels(const std::vector<storage::OutboxMessage>& messages);

}  // namespace vakt::paging
