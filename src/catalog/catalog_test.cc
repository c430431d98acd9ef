#include "catalog/catalog.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

namespace vakt::catalog {
namespace {

constexpr const char* kCatalog = R"(apiVersion: vakt/v1
kind: PipelineCatalog
env_allow_list: [ROUTER_URL]
escalation_policies:
  - {id: ml-fraud-primary, title: Fraud ML on-call}
pipelines:
  - id: fraud-scoring
    title: Card fraud scoring
    team: ml-fraud
    owners: [team:ml-fraud]
    models: [{name: fraud-gbm, registry_name: fraud-scoring-gbm}]
    business_processes:
      - {name: Card authorisation, slo: "99.95% scored in 150 ms", criticality: critical}
    change_windows:
      - {days: [tue, thu], start: "22:00", duration: 4h, time_zone: Europe/Oslo}
    data_sources: [kafka://payments.authorisations]
    dashboards: [{title: Serving, url: "https://grafana.example/d/fraud"}]
    risks:
      - {id: R-1, title: Label delay hides drift, owner: alice, status: open, opened_from_incident: INC-7}
    regulatory: [{regime: dora, effective_from: "2025-01-17"}]
)";

TEST(CatalogTest, ParsesEveryField) {
  Result<Catalog> catalog = ParseCatalog(kCatalog, "pipelines.yaml");
  ASSERT_TRUE(catalog.ok()) << catalog.status().message();
  const Pipeline* fraud = catalog->FindPipeline("fraud-scoring");
  ASSERT_NE(fraud, nullptr);
  EXPECT_EQ(fraud->models.at(0).registry_name, "fraud-scoring-gbm");
  EXPECT_EQ(fraud->business_processes.at(0).criticality, Criticality::kCritical);
  ASSERT_EQ(fraud->change_windows.size(), 1u);
  EXPECT_EQ(fraud->change_windows[0].start_minute, 22 * 60);
  EXPECT_TRUE(fraud->change_windows[0].days[2]);   // Tuesday
  EXPECT_FALSE(fraud->change_windows[0].days[3]);  // Wednesday
  EXPECT_EQ(fraud->risks.at(0).opened_from_incident, "INC-7");
  EXPECT_EQ(fraud->regulatory.at(0).regime, Regime::kDora);
  EXPECT_TRUE(catalog->HasEscalationPolicy("ml-fraud-primary"));
  EXPECT_FALSE(catalog->HasEscalationPolicy("nobody"));
  EXPECT_TRUE(catalog->EnvAllowed("ROUTER_URL"));
  EXPECT_EQ(catalog->FindPipeline("nope"), nullptr);
}

TEST(CatalogTest, RejectsInvalidCataloguesWithPositions) {
  struct Case {
    std::string from;
    std::string to;
    std::string expected;
  };
  const Case cases[] = {
      {"start: \"22:00\"", "start: 22:00", "15:35: ambiguous scalar \"22:00\""},
      {"time_zone: Europe/Oslo", "time_zone: Europe/Olso", "unknown time zone \"Europe/Olso\""},
      {"days: [tue, thu]", "days: [tue, thursday]", "invalid weekday \"thursday\""},
      {"criticality: critical", "criticality: severe", "invalid value \"severe\""},
      {"    team: ml-fraud", "    teem: ml-fraud", "9:5: unknown key \"teem\" in pipeline"},
      {"regime: dora", "regime: gdpr", "invalid value \"gdpr\" (one of: eu_ai_act, nis2, dora)"},
      {"effective_from: \"2025-01-17\"", "effective_from: 2025-01-17",
       "YAML 1.1 reads it as a timestamp"},
  };
  for (const Case& c : cases) {
    std::string text = kCatalog;
    const size_t at = text.find(c.from);
    ASSERT_NE(at, std::string::npos) << c.from;
    text.replace(at, c.from.size(), c.to);
    Result<Catalog> catalog = ParseCatalog(text, "p.yaml");
    ASSERT_FALSE(catalog.ok()) << c.to;
    EXPECT_NE(catalog.status().message().find(c.expected), std::string::npos)
        << catalog.status().message();
  }
}

TEST(CatalogTest, RejectsDuplicatePipelineIds) {
  std::string text = kCatalog;
  text += "  - {id: fraud-scoring, title: again}\n";
  Result<Catalog> catalog = ParseCatalog(text, "p.yaml");
  ASSERT_FALSE(catalog.ok());
  EXPECT_NE(catalog.status().message().find("duplicate pipeline id \"fraud-scoring\""),
            std::string::npos);
}

TEST(PipelineDocumentTest, AcceptsJsonWithTheCatalogueRules) {
  Result<Pipeline> pipeline = ParsePipelineDocument(
      R"({"id": "churn", "title": "Churn model", "team": "ml-growth",
          "change_windows": [{"days": ["mon"], "start": "09:00", "duration": "2h",
                              "time_zone": "Europe/Oslo"}],
          "risks": [{"id": "R-9", "title": "Stale labels", "owner": "bob"}]})",
      "PUT /api/v1/pipelines/churn");
  ASSERT_TRUE(pipeline.ok()) << pipeline.status().message();
  EXPECT_EQ(pipeline->id, "churn");
  EXPECT_EQ(pipeline->change_windows.at(0).time_zone, "Europe/Oslo");
  EXPECT_EQ(pipeline->risks.at(0).status, RiskStatus::kOpen);
}

TEST(PipelineDocumentTest, RejectsUnknownKeysAndBadZonesWithPositions) {
  Result<Pipeline> unknown = ParsePipelineDocument("id: a\ntitle: A\nowner: x\n", "doc");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("doc:3:1"), std::string::npos)
      << unknown.status().message();
  Result<Pipeline> zone = ParsePipelineDocument(
      R"({"id": "a", "title": "A", "change_windows": [{"days": ["mon"], "start": "09:00",
          "duration": "1h", "time_zone": "Mars/Olympus"}]})",
      "doc");
  ASSERT_FALSE(zone.ok());
  EXPECT_NE(zone.status().message().find("Mars/Olympus"), std::string::npos);
  EXPECT_FALSE(ParsePipelineDocument("title: no id\n", "doc").ok());
}

TEST(CatalogTest, WithPipelineReplacesByIdOrAppends) {
  Result<Catalog> catalog = ParseCatalog(kCatalog, "pipelines.yaml");
  ASSERT_TRUE(catalog.ok());
  Pipeline replacement;
  replacement.id = "fraud-scoring";
  replacement.title = "Fraud v2";
  Catalog replaced = catalog->WithPipeline(replacement);
  EXPECT_EQ(replaced.pipelines().size(), 1u);
  EXPECT_EQ(replaced.FindPipeline("fraud-scoring")->title, "Fraud v2");
  EXPECT_EQ(catalog->FindPipeline("fraud-scoring")->title, "Card fraud scoring");  // unchanged
  Pipeline added;
  added.id = "churn";
  added.title = "Churn";
  Catalog appended = replaced.WithPipeline(added);
  EXPECT_EQ(appended.pipelines().size(), 2u);
  EXPECT_TRUE(appended.HasEscalationPolicy("ml-fraud-primary"));
}

TEST(CatalogTest, ExampleCatalogueLoads) {
  const char* source = std::getenv("VAKT_SOURCE_DIR");
  ASSERT_NE(source, nullptr);
  Result<Catalog> catalog = LoadCatalogFile(std::string(source) + "/examples/pipelines.yaml");
  ASSERT_TRUE(catalog.ok()) << catalog.status().message();
  for (const char* id : {"fraud-scoring", "credit-risk", "grid-load-forecast", "vessel-eta"}) {
    EXPECT_NE(catalog->FindPipeline(id), nullptr) << id;
  }
}

}  // namespace
}  // namespace vakt::catalog
