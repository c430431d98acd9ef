#include "storage/regulatory_warning_outbox.h"

#include <nlohmann/json.hpp>

#include "common/time_format.h"
#include "storage/sql_outbox.h"
#include "storage/write_transaction.h"

namespace vakt::storage {

Result<std::pair<std::string, std::string>> ParseWarningRecipient(const std::string& recipient) {
  const size_t colon = recipient.find(':');
  const std::string channel = recipient.substr(0, colon);
  if (colon == std::string::npos || colon + 1 == recipient.size() ||
      (channel != "email" && channel != "slack" && channel != "webhook")) {
    return Status::InvalidArgument("recipient '" + recipient +
                                   "' must be email:ADDRESS, slack:URL or webhook:URL");
  }
  return std::make_pair(channel, recipient.substr(colon + 1));
}

Result<size_t> EnqueueRegulatoryWarnings(Database& database, std::int64_t incident_id,
                                         const std::vector<compliance::DeadlineWarning>& warnings,
                                         const std::vector<std::string>& recipients, TimeMs now) {
  std::vector<std::pair<std::string, std::string>> targets;
  for (const auto& recipient : recipients) {
    VAKT_ASSIGN_OR_RETURN(auto target, ParseWarningRecipient(recipient));
    targets.push_back(std::move(target));
  }
  if (warnings.empty() || targets.empty()) return size_t{0};
  size_t added = 0;
  Status status = RunInWriteTransaction(database, [&](SqlConnection& conn) -> Status {
    added = 0;
    for (const auto& warning : warnings) {
      const nlohmann::json payload = {{"kind", "regulatory_deadline_warning"},
                                      {"incident_id", incident_id},
                                      {"regime", compliance::RegimeName(warning.regime)},
                                      {"report", compliance::ReportKindName(warning.report)},
                                      {"due_at", FormatRfc3339(warning.due_at)},
                                      {"threshold", warning.threshold},
                                      {"text", warning.subject}};
      for (size_t i = 0; i < targets.size(); ++i) {
        OutboxMessage message;
        message.idempotency_key = warning.key + "|" + recipients[i];
        message.channel = targets[i].first;
        message.target = targets[i].second;
        message.subject = warning.subject;
        message.payload = payload.dump();
        message.incident_id = incident_id;
        VAKT_ASSIGN_OR_RETURN(bool inserted, EnqueueNotification(conn, message, now));
        if (inserted) ++added;
      }
    }
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return added;
}

}  // namespace vakt::storage
