#pragma once

#include <string>
#include <vector>

#include "common/clock.h"

namespace vakt::oncall {

// ContactKind is a channel a person can be reached on; notify/ owns the delivery.
enum class ContactKind { kEmail, kSlack, kWebhook };

const char* ContactKindName(ContactKind kind);

// ContactMethod is one address of a user: an e-mail address, a Slack user id or a webhook URL.
struct ContactMethod {
  ContactKind kind = ContactKind::kEmail;
  std::string address;
};

// NotificationRule says "`delay` after a page reaches this user, contact them via `kind`"
// (PagerDuty's per-user notification rules: immediately e-mail, after 5m webhook).
struct NotificationRule {
  TimeMs delay = 0;
  ContactKind kind = ContactKind::kEmail;
};

// User is a person who can be on call. Plain data; safe to share read-only between threads.
struct User {
  std::string id;
  std::string name;
  std::vector<ContactMethod> contacts;
  // Empty means: contact every method immediately (see PlanNotifications).
  std::vector<NotificationRule> notification_rules;
};

// Team is a named group of users; an escalation level targeting a team pages every member.
struct Team {
  std::string id;
  std::string name;
  std::vector<std::string> members;  // user ids, in configured order
};

// PlannedContact is one delivery that notify/ should attempt for a page.
struct PlannedContact {
  TimeMs at = 0;
  ContactKind kind = ContactKind::kEmail;
  std::string address;
};

// PlanNotifications expands a page delivered at `paged_at` into the user's contact attempts,
// ordered by time then configuration order. A rule whose channel the user has no address for is
// skipped (config validation rejects that case, so it only happens with hand-built users).
// Without rules, every contact method is used at `paged_at`: a page is never silently dropped.
std::vector<PlannedContact> PlanNotifications(const User& user, TimeMs paged_at);

}  // namespace vakt::oncall
