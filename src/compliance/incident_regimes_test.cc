#include "compliance/incident_regimes.h"

#include <gtest/gtest.h>

#include "common/time_format.h"
#include "support/test_time.h"

namespace vakt::compliance {
namespace {

using test_support::At;

IncidentRegulatoryInput Input() {
  IncidentRegulatoryInput input;
  input.became_aware_at = At("2026-03-10T12:00:00.000Z");
  input.pipeline_regimes = {{Regime::kDora, "2025-01-17"}, {Regime::kEuAiAct, "2026-08-02"}};
  return input;
}

TEST(IncidentRegimesTest, PipelineRegimeInEffectIsAssumedClassifiedAtAwareness) {
  auto clocks = ComputeIncidentClocks(Input(), At("2026-03-10T13:00:00.000Z"));
  ASSERT_TRUE(clocks.ok()) << clocks.status().ToString();
  // The AI Act entry takes effect after awareness, so only DORA applies.
  ASSERT_EQ(clocks->assumed, std::vector<Regime>{Regime::kDora});
  ASSERT_FALSE(clocks->deadlines.empty());
  for (const auto& deadline : clocks->deadlines) EXPECT_EQ(deadline.regime, Regime::kDora);
  EXPECT_EQ(clocks->deadlines.front().report, ReportKind::kDoraInitial);
  EXPECT_EQ(clocks->deadlines.front().due_at, At("2026-03-10T16:00:00.000Z"));  // 4 h
}

TEST(IncidentRegimesTest, RecordedClassificationReplacesTheAssumptionAndRuleOutRemovesIt) {
  IncidentRegulatoryInput input = Input();
  RecordedClassification nis2;
  nis2.classification.regime = Regime::kNis2;
  nis2.classification.classified_at = At("2026-03-10T14:00:00.000Z");
  RecordedClassification no_dora;
  no_dora.classification.regime = Regime::kDora;
  no_dora.applies = false;
  input.classifications = {nis2, no_dora};
  auto clocks = ComputeIncidentClocks(input, At("2026-03-10T15:00:00.000Z"));
  ASSERT_TRUE(clocks.ok());
  EXPECT_TRUE(clocks->assumed.empty());
  ASSERT_FALSE(clocks->deadlines.empty());
  for (const auto& deadline : clocks->deadlines) EXPECT_EQ(deadline.regime, Regime::kNis2);
  EXPECT_EQ(clocks->deadlines.front().due_at, At("2026-03-11T12:00:00.000Z"));  // 24 h
}

TEST(IncidentRegimesTest, SubmissionMarksTheReportSubmittedAndDecodesFromItsAuditDetails) {
  IncidentRegulatoryInput input = Input();
  Submission sent{Regime::kDora, ReportKind::kDoraInitial, At("2026-03-10T15:00:00.000Z"),
                  "finanstilsynet", std::string(64, 'a')};
  auto decoded = DecodeSubmission(SubmissionDetails(sent), sent.submitted_at);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  input.submissions = {*decoded};
  auto clocks = ComputeIncidentClocks(input, At("2026-03-10T17:00:00.000Z"));
  ASSERT_TRUE(clocks.ok());
  EXPECT_EQ(clocks->deadlines.front().status, DeadlineStatus::kSubmitted);
  EXPECT_FALSE(clocks->deadlines.front().submitted_late);
}

TEST(IncidentRegimesTest, DecodeNamesTheBadField) {
  auto bad_regime = DecodeClassification({{"regime", "gdpr"}, {"rationale", "x"}}, 0, "alice");
  EXPECT_NE(bad_regime.status().message().find("regime"), std::string::npos);
  auto no_rationale = DecodeClassification({{"regime", "nis2"}}, 0, "alice");
  EXPECT_NE(no_rationale.status().message().find("rationale"), std::string::npos);
  auto wrong_report = DecodeSubmission({{"regime", "nis2"},
                                        {"report", "dora_final_report"},
                                        {"recipient", "csirt"},
                                        {"content_sha256", std::string(64, 'a')}},
                                       0);
  EXPECT_NE(wrong_report.status().message().find("report"), std::string::npos);
  auto short_hash = DecodeSubmission({{"regime", "nis2"},
                                      {"report", "nis2_early_warning"},
                                      {"recipient", "csirt"},
                                      {"content_sha256", "abc"}},
                                     0);
  EXPECT_NE(short_hash.status().message().find("content_sha256"), std::string::npos);
}

}  // namespace
}  // namespace vakt::compliance
