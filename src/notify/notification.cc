#include "notify/notification.h"

namespace vakt::notify {

const char* ChannelKindName(ChannelKind kind) {
  switch (kind) {
    case ChannelKind::kWebhook:
      return "webhook";
    case ChannelKind::kSlack:
      return "slack";
    case ChannelKind::kEmail:
      return "email";
  }
  return "unknown";
}

}  // namespace vakt::notify
