#include "compliance/report_draft.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace vakt::compliance {
namespace {

IncidentFacts Facts() {
  IncidentFacts facts;
  facts.incident_id = "INC-42";
  facts.title = "Ranker drift";
  facts.summary = "Feature drift on *ranker*\n# not a heading";
  facts.severity = "page";
  facts.became_aware_at = 1'767'225'600'000;  // 2026-01-01T00:00:00Z
  facts.affected_systems = {"ranker", "feature-store"};
  facts.impact = "Wrong ranking for 3% of users";
  facts.timeline = {{1'767'225'600'000, "alert fired"}, {1'767'229'200'000, "rolled back"}};
  facts.actions = {"rollback model v12 -> v11"};
  return facts;
}

Deadline Nis2Notification() {
  Deadline deadline;
  deadline.regime = Regime::kNis2;
  deadline.report = ReportKind::kNis2Notification;
  deadline.due_at = 1'767'484'800'000;  // 2026-01-04T00:00:00Z
  deadline.basis = "72 h after awareness (Art. 23(4)(b))";
  return deadline;
}

TEST(ReportDraftTest, MarkdownHasSectionsAndEscapesUserText) {
  auto draft = RenderReportDraft(Facts(), Nis2Notification());
  ASSERT_TRUE(draft.ok()) << draft.status().ToString();
  const std::string& md = draft->markdown;
  EXPECT_EQ(md.rfind("# NIS2 incident notification: INC\\-42\n", 0), 0u) << md;
  EXPECT_NE(md.find("| Due | 2026-01-04T00:00:00.000Z |"), std::string::npos);
  EXPECT_NE(md.find("Feature drift on \\*ranker\\* \\# not a heading"), std::string::npos) << md;
  EXPECT_NE(md.find("- 2026-01-01T01:00:00.000Z: rolled back\n"), std::string::npos);
  EXPECT_NE(md.find("## Root cause so far\n\nUnder investigation."), std::string::npos);
  EXPECT_EQ(md.find("\n# not a heading"), std::string::npos);
}

TEST(ReportDraftTest, JsonCarriesTheSameFacts) {
  auto draft = RenderReportDraft(Facts(), Nis2Notification());
  ASSERT_TRUE(draft.ok());
  const auto doc = nlohmann::json::parse(draft->json);
  EXPECT_EQ(doc["report"], "nis2_incident_notification");
  EXPECT_EQ(doc["regime"], "nis2");
  EXPECT_EQ(doc["due_at"], "2026-01-04T00:00:00.000Z");
  EXPECT_EQ(doc["timeline"][1]["what"], "rolled back");
  EXPECT_EQ(doc["affected_systems"].size(), 2u);
  EXPECT_EQ(doc["summary"], Facts().summary);  // JSON keeps the text verbatim
}

TEST(ReportDraftTest, RejectsMissingIdAndInvalidUtf8) {
  IncidentFacts facts = Facts();
  facts.incident_id.clear();
  EXPECT_FALSE(RenderReportDraft(facts, Nis2Notification()).ok());
  facts = Facts();
  facts.impact = "bad \xff";
  EXPECT_EQ(RenderReportDraft(facts, Nis2Notification()).status().code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace vakt::compliance
