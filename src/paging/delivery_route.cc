#include "paging/delivery_route.h"

namespace vakt::paging {

storage::OutboxMessage DeliveryRoute::Apply(storage::OutboxMessage message, bool drill) const {
  if (!drill) return message;
  message.subject = "[DRILL] " + message.subject + " (for " + message.channel + " " +
                    message.target + ")";
  if (drill_webhook_url.empty()) {
    message.channel = "drill";
    message.target = "drill";
  } else {
    message.channel = "webhook";
    message.target = drill_webhook_url;
  }
  return message;
}

}  // namespace vakt::paging
