#include "oncall/user.h"

#include <algorithm>

namespace vakt::oncall {

const char* ContactKindName(ContactKind kind) {
  switch (kind) {
    case ContactKind::kEmail:
      return "email";
    case ContactKind::kSlack:
      return "slack";
    case ContactKind::kWebhook:
      return "webhook";
  }
  return "unknown";
}

std::vector<PlannedContact> PlanNotifications(const User& user, TimeMs paged_at) {
  std::vector<PlannedContact> plan;
  if (user.notification_rules.empty()) {
    for (const ContactMethod& contact : user.contacts) {
      plan.push_back({paged_at, contact.kind, contact.address});
    }
    return plan;
  }
  for (const NotificationRule& rule : user.notification_rules) {
    for (const ContactMethod& contact : user.contacts) {
      if (contact.kind == rule.kind) plan.push_back({paged_at + rule.delay, contact.kind, contact.address});
    }
  }
  std::stable_sort(plan.begin(), plan.end(),
                   [](const PlannedContact& a, const PlannedContact& b) { return a.at < b.at; });
  return plan;
}

}  // namespace vakt::oncall
