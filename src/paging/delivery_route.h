#pragma once

#include <string>
#include <vector>

#include "storage/sql_outbox.h"

namespace vakt::paging {

// DeliveryRoute decides where messages for an incident really go. Drills (incident.drill) must
// never reach real people: every page and stakeholder message of a drill incident is redirected
// to the configured drill webhook, or, without one, to the "drill" channel, which the delivery
// worker records as sent without contacting anyone. Pure.
struct DeliveryRoute {
  std::string drill_webhook_url;  // "" = drill messages are only recorded

  // Apply rewrites `message` for a drill incident (keeping the intended recipient in the
  // subject) and leaves it unchanged otherwise.
  storage::OutboxMessage Apply(storage::OutboxMessage message, bool drill) const;
};

}  // namespace vakt::paging
