#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "compliance/deadline_warnings.h"
#include "storage/database.h"

namespace vakt::storage {

// ParseWarningRecipient splits "email:addr", "slack:https://…" or "webhook:https://…" into
// channel and target. InvalidArgument naming the recipient otherwise.
Result<std::pair<std::string, std::string>> ParseWarningRecipient(const std::string& recipient);

// EnqueueRegulatoryWarnings puts one outbox message per warning and recipient, keyed
// "<warning key>|<recipient>", in one transaction. The outbox's unique key makes this durable
// and idempotent: a warning already enqueued (by an earlier sweep, before a restart, or by
// another instance) is skipped, so none is sent twice. Each new message gets the outbox's
// "notification.enqueue" audit record. Returns how many were new.
Result<size_t> EnqueueRegulatoryWarnings(Database& database, std::int64_t incident_id,
                                         const std::vector<compliance::DeadlineWarning>& warnings,
                                         const std::vector<std::string>& recipients, TimeMs now);

}  // namespace vakt::storage
