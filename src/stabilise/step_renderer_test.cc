#include "stabilise/step_renderer.h"

#include <gtest/gtest.h>

#include "stabilise/step_runner.h"
#include "stabilise/template_context.h"

namespace vakt::stabilise {
namespace {

Incident TestIncident(const std::string& model) {
  Incident incident;
  incident.id = 7;
  incident.title = "AUC drop";
  incident.context = {{"alert", {{"labels", {{"model", model}}}, {"annotations", nlohmann::json::object()}}},
                      {"deployed_version", "7"},
                      {"previous_version", "6"},
                      {"pipeline_id", "credit-risk"}};
  return incident;
}

runbook::Step RollbackStep() {
  runbook::Step step;
  step.id = "rollback";
  runbook::HttpAction http;
  http.url = "{{env.REGISTRY_URL}}/alias";
  http.json = nlohmann::json{{"name", "{{alert.labels.model}}"},
                             {"version", "{{incident.context.previous_version}}"},
                             {"incident", "{{incident.id}}"}};
  step.action = http;
  return step;
}

nlohmann::json Context(const std::string& model) {
  return BuildTemplateContext(TestIncident(model), {{"REGISTRY_URL", "http://registry:5000"}});
}

TEST(StepRendererTest, JsonBodyKeepsHostileLabelTextAsOneStringValue) {
  const std::string hostile = R"(x", "version": "1"} $(id) {{incident.id}})";
  auto rendered = RenderStep(RollbackStep(), Context(hostile), {});
  ASSERT_TRUE(rendered.ok()) << rendered.status().ToString();
  const auto& http = std::get<action::HttpAction>(*rendered->executable);
  EXPECT_EQ(http.url, "http://registry:5000/alias");
  auto body = nlohmann::json::parse(http.body);
  EXPECT_EQ(body["name"], hostile);
  EXPECT_EQ(body["version"], "6");
  EXPECT_EQ(body["incident"], "INC-7");
}

TEST(StepRendererTest, ContentHashFollowsTheRenderedContent) {
  auto first = RenderStep(RollbackStep(), Context("credit-pd"), {});
  auto same = RenderStep(RollbackStep(), Context("credit-pd"), {});
  auto other = RenderStep(RollbackStep(), Context("credit-lgd"), {});
  ASSERT_TRUE(first.ok() && same.ok() && other.ok());
  EXPECT_EQ(first->content_hash, same->content_hash);
  EXPECT_NE(first->content_hash, other->content_hash);
  EXPECT_EQ(first->preview["content_hash"], first->content_hash);
}

TEST(StepRendererTest, ArgvGetsOneElementPerTemplateField) {
  runbook::Step step;
  step.id = "echo";
  runbook::CommandAction command;
  command.argv = {"/bin/echo", "{{alert.labels.model}}"};
  step.action = command;
  auto rendered = RenderStep(step, Context("a b; rm -rf /"), {});
  ASSERT_TRUE(rendered.ok());
  const auto& argv = std::get<action::CommandAction>(*rendered->executable).argv;
  EXPECT_EQ(argv, (std::vector<std::string>{"/bin/echo", "a b; rm -rf /"}));
}

TEST(StepRendererTest, UnknownVariableIsAnErrorNamingTheField) {
  runbook::Step step = RollbackStep();
  std::get<runbook::HttpAction>(step.action).url = "{{env.NOT_ALLOWED}}/x";
  auto rendered = RenderStep(step, Context("m"), {});
  ASSERT_FALSE(rendered.ok());
  EXPECT_NE(rendered.status().ToString().find("http.url"), std::string::npos);
}

TEST(StepRendererTest, ContextDataCannotStandInForTheEnvironment) {
  Incident incident = TestIncident("m");
  incident.context["alert"]["labels"]["env"] = "spoofed";
  nlohmann::json context = BuildTemplateContext(incident, nlohmann::json::object());
  EXPECT_TRUE(context["env"].empty());
}

TEST(EvaluateConditionTest, AppliesComparisons) {
  struct Case {
    std::string condition;
    double value;
    bool holds;
  };
  for (const Case& c : {Case{"< 0.001", 0.0005, true}, Case{"< 0.001", 0.002, false},
                        Case{">= 2", 2, true}, Case{"> 0.9995", 0.9990, false},
                        Case{"== 1", 1, true}, Case{"!= 1", 1, false}, Case{"", 42, true}}) {
    auto holds = EvaluateCondition(c.condition, c.value);
    ASSERT_TRUE(holds.ok()) << c.condition;
    EXPECT_EQ(*holds, c.holds) << c.condition << " on " << c.value;
  }
  EXPECT_FALSE(EvaluateCondition("~ 3", 1).ok());
  EXPECT_FALSE(EvaluateCondition("< soon", 1).ok());
}

}  // namespace
}  // namespace vakt::stabilise
