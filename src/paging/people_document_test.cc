// The stored document and the API's representation of a user or team come from one serialiser
// (paging/people.h); these pin the two shapes byte for byte.
#include <gtest/gtest.h>

#include "paging/people.h"

namespace vakt::paging {
namespace {

oncall::User Alice() {
  oncall::User user;
  user.id = "alice";
  user.name = "Alice";
  user.contacts = {{oncall::ContactKind::kEmail, "alice@example.org"},
                   {oncall::ContactKind::kWebhook, "http://127.0.0.1:9/alice"}};
  return user;
}

TEST(PeopleDocumentTest, AStoredUserWithoutRulesHasNoNotificationRulesKey) {
  EXPECT_EQ(UserDocument(Alice()),
            R"({"contact":{"email":"alice@example.org","webhook":"http://127.0.0.1:9/alice"},)"
            R"("id":"alice","name":"Alice"})");
}

TEST(PeopleDocumentTest, AServedUserAlwaysHasNotificationRules) {
  EXPECT_EQ(UserJson(Alice()).dump(),
            R"({"contact":{"email":"alice@example.org","webhook":"http://127.0.0.1:9/alice"},)"
            R"("id":"alice","name":"Alice","notification_rules":[]})");
}

TEST(PeopleDocumentTest, RulesAreStoredAndServedAlikeAsDurationAndChannel) {
  oncall::User user = Alice();
  user.notification_rules = {{0, oncall::ContactKind::kEmail},
                             {90'000, oncall::ContactKind::kWebhook}};
  const std::string expected =
      R"({"contact":{"email":"alice@example.org","webhook":"http://127.0.0.1:9/alice"},)"
      R"("id":"alice","name":"Alice","notification_rules":[{"after":"0s","via":"email"},)"
      R"({"after":"1m30s","via":"webhook"}]})";
  EXPECT_EQ(UserDocument(user), expected);
  EXPECT_EQ(UserJson(user).dump(), expected);
}

TEST(PeopleDocumentTest, ATeamIsStoredAsItIsServed) {
  oncall::Team team{"ml", "ML on call", {"alice", "bob"}};
  const std::string expected = R"({"id":"ml","members":["alice","bob"],"name":"ML on call"})";
  EXPECT_EQ(TeamDocument(team), expected);
  EXPECT_EQ(TeamJson(team).dump(), expected);
}

}  // namespace
}  // namespace vakt::paging
