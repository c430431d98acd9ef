#pragma once

#include <string>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "escalation/policy.h"

namespace vakt::paging {

// Contact is one concrete delivery: channel ("email", "slack", "webhook") and target.
struct Contact {
  std::string channel;
  std::string target;
  bool operator==(const Contact&) const = default;
};

// ResolveRecipient turns a runbook notify recipient (docs/runbook_schema.md) into contacts,
// using the on-call file at `now`:
//   user:ID        every contact method of the user
//   group:ID       every contact method of every member of team ID
//   oncall:POLICY  the people the policy's first level pages now (its schedules resolved at now)
//   channel:#NAME  the Slack incoming webhook (`slack_webhook_url`), naming the channel
//   email:ADDR, slack:URL, webhook:URL  as given
// NotFound naming the recipient when the id is unknown or nobody is reachable; InvalidArgument
// for an unknown kind. Pure.
Result<std::vector<Contact>> ResolveRecipient(const std::string& recipient,
                                              const escalation::OncallConfig& config, TimeMs now,
                                              const std::string& slack_webhook_url);

}  // namespace vakt::paging
