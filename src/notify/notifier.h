#pragma once

#include "common/status.h"
#include "notify/notification.h"

namespace vakt::notify {

// Notifier delivers a Notification over one channel. Send returns Ok once the receiver accepted
// the message; Unavailable when a later attempt may succeed (connection refused, timeout, HTTP
// 5xx or 429, SMTP 4xx) and only then; any other code is permanent (bad target, HTTP 4xx, a
// redirect, SMTP 5xx). Error messages never contain secrets (signing keys, passwords, URL paths).
// Implementations are safe for concurrent Send calls unless they say otherwise.
class Notifier {
 public:
  virtual ~Notifier() = default;
  virtual Status Send(const Notification& notification) = 0;
};

}  // namespace vakt::notify
