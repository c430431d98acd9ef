// Regulatory deadline warnings through the notification outbox (issue 7) on both engines: the
// sweep is driven by an injected clock, each threshold is enqueued once per recipient however
// often the sweep runs (also after a "restart": a second Database on the same store), and a
// moved due time warns afresh.

#include <gtest/gtest.h>

#include "common/time_format.h"
#include "compliance/deadline_warnings.h"
#include "storage/regulatory_warning_outbox.h"
#include "storage/sql_outbox.h"
#include "storage_contract/engine_fixture.h"

namespace vakt::storage {
namespace {

constexpr TimeMs kHour = 3600 * 1000;
const TimeMs kAware = *ParseRfc3339("2026-10-24T22:00:00Z");
const std::vector<std::string> kTo = {"email:dpo@example.com", "webhook:https://hooks.example/reg"};

std::vector<compliance::Deadline> Nis2Deadlines() {
  compliance::Deadline early;
  early.regime = compliance::Regime::kNis2;
  early.report = compliance::ReportKind::kNis2EarlyWarning;
  early.due_at = kAware + 24 * kHour;
  compliance::Deadline notification = early;
  notification.report = compliance::ReportKind::kNis2Notification;
  notification.due_at = kAware + 72 * kHour;
  return {early, notification};
}

class RegulatoryWarningContractTest : public ContractTest {
 protected:
  // Sweep is what the server's timer does at `now` for one incident.
  size_t Sweep(Database& db, const std::vector<compliance::Deadline>& deadlines, TimeMs now) {
    auto warnings = compliance::DueWarnings("INC-7", kAware, deadlines, {}, now);
    auto added = EnqueueRegulatoryWarnings(db, 7, warnings, kTo, now);
    EXPECT_TRUE(added.ok()) << added.status().ToString();
    return added.ok() ? *added : 0;
  }

  std::vector<OutboxRow> Rows(Database& db) {
    auto rows = ListIncidentNotifications(db, 7);
    EXPECT_TRUE(rows.ok()) << rows.status().ToString();
    return rows.ok() ? *rows : std::vector<OutboxRow>{};
  }
};

TEST_P(RegulatoryWarningContractTest, EachThresholdIsEnqueuedOncePerRecipient) {
  EXPECT_EQ(Sweep(*db_, Nis2Deadlines(), kAware + 11 * kHour), 0u);
  // 12 h: the early warning reaches 50%; the 72 h notification is still at 17%.
  EXPECT_EQ(Sweep(*db_, Nis2Deadlines(), kAware + 12 * kHour), 2u);
  EXPECT_EQ(Sweep(*db_, Nis2Deadlines(), kAware + 13 * kHour), 0u);  // nothing new
  auto rows = Rows(*db_);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].message.channel, "email");
  EXPECT_EQ(rows[0].message.target, "dpo@example.com");
  EXPECT_NE(rows[0].message.subject.find("nis2_early_warning"), std::string::npos);
  EXPECT_NE(rows[0].message.idempotency_key.find(":50%|email:dpo@example.com"), std::string::npos)
      << rows[0].message.idempotency_key;
  EXPECT_EQ(rows[1].message.channel, "webhook");

  // A restart: a fresh connection to the same store sees the warnings already enqueued.
  auto reopened = OpenDatabase(fixture_->url());
  ASSERT_TRUE(reopened.ok());
  EXPECT_EQ(Sweep(**reopened, Nis2Deadlines(), kAware + 13 * kHour), 0u);

  // 25 h: the early warning is overdue (a new threshold); the notification reaches 50% at 36 h.
  EXPECT_EQ(Sweep(*db_, Nis2Deadlines(), kAware + 25 * kHour), 2u);
  EXPECT_EQ(Sweep(*db_, Nis2Deadlines(), kAware + 36 * kHour), 2u);  // notification at 50%
  EXPECT_EQ(Rows(*db_).size(), 6u);
}

TEST_P(RegulatoryWarningContractTest, SubmittedDeadlineStopsWarningAndMovedDueTimeWarnsAfresh) {
  auto deadlines = Nis2Deadlines();
  EXPECT_EQ(Sweep(*db_, {deadlines[0]}, kAware + 12 * kHour), 2u);
  deadlines[0].status = compliance::DeadlineStatus::kSubmitted;
  EXPECT_EQ(Sweep(*db_, {deadlines[0]}, kAware + 30 * kHour), 0u);
  compliance::Deadline moved = Nis2Deadlines()[0];
  moved.due_at -= kHour;  // awareness corrected an hour earlier
  EXPECT_EQ(Sweep(*db_, {moved}, kAware + 12 * kHour), 2u);
}

TEST_P(RegulatoryWarningContractTest, BadRecipientIsRejectedAndNothingIsWritten) {
  auto warnings =
      compliance::DueWarnings("INC-7", kAware, Nis2Deadlines(), {}, kAware + 30 * kHour);
  auto added = EnqueueRegulatoryWarnings(*db_, 7, warnings, {"email:a@b", "pager:42"}, kAware);
  EXPECT_EQ(added.status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(Rows(*db_).empty());
}

INSTANTIATE_TEST_SUITE_P(Engines, RegulatoryWarningContractTest,
                         ::testing::ValuesIn(ContractEngines()),
                         [](const auto& param_info) { return param_info.param; });

}  // namespace
}  // namespace vakt::storage
