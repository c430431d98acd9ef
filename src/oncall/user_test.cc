#include "oncall/user.h"

#include <gtest/gtest.h>

namespace vakt::oncall {
namespace {

std::string Render(const std::vector<PlannedContact>& plan) {
  std::string out;
  for (const PlannedContact& contact : plan) {
    out += std::to_string(contact.at) + " " + ContactKindName(contact.kind) + " " + contact.address + "\n";
  }
  return out;
}

TEST(UserTest, NotificationRulesOrderContactsByDelay) {
  User user{"ada", "Ada", {{ContactKind::kEmail, "ada@example.com"}, {ContactKind::kWebhook, "https://h/ada"}},
            {{300'000, ContactKind::kWebhook}, {0, ContactKind::kEmail}}};
  EXPECT_EQ(Render(PlanNotifications(user, 1000)),
            "1000 email ada@example.com\n301000 webhook https://h/ada\n");
}

TEST(UserTest, WithoutRulesEveryContactIsUsedImmediately) {
  User user{"bo", "Bo", {{ContactKind::kSlack, "U1"}, {ContactKind::kEmail, "bo@example.com"}}, {}};
  EXPECT_EQ(Render(PlanNotifications(user, 5)), "5 slack U1\n5 email bo@example.com\n");
}

}  // namespace
}  // namespace vakt::oncall
