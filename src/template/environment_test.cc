#include "template/environment.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "template/template.h"

namespace vakt::templating {
namespace {

using nlohmann::json;

TEST(EnvironmentTest, ReadsOnlyAllowListedNames) {
  const std::map<std::string, std::string> process_env = {
      {"CLUSTER", "prod-eu"}, {"VAKT_SMTP_PASSWORD", "hunter2"}};
  std::set<std::string> asked;
  const EnvLookup lookup = [&](const char* name) -> const char* {
    asked.insert(name);
    auto it = process_env.find(name);
    return it == process_env.end() ? nullptr : it->second.c_str();
  };
  const json env = AllowListedEnvironment({"CLUSTER", "REGION"}, lookup);
  EXPECT_EQ(env, json({{"CLUSTER", "prod-eu"}}));
  EXPECT_EQ(asked, (std::set<std::string>{"CLUSTER", "REGION"}));
}

TEST(EnvironmentTest, ContextDataCannotImpersonateTheEnvironment) {
  const json context = WithEnvironment({{"env", {{"CLUSTER", "from-alert"}}}, {"x", 1}},
                                       {{"CLUSTER", "prod-eu"}});
  Result<std::string> rendered = RenderTemplate("{{env.CLUSTER}} {{x}}", context);
  ASSERT_TRUE(rendered.ok());
  EXPECT_EQ(*rendered, "prod-eu 1");
}

TEST(EnvironmentTest, ReferenceOutsideAllowListIsRejectedAtLoad) {
  Result<Template> parsed = Template::Parse("{{env.CLUSTER}} {{env.VAKT_SMTP_PASSWORD}}");
  ASSERT_TRUE(parsed.ok());
  const Status status = CheckEnvironmentReferences(parsed->tags(), {"CLUSTER"});
  EXPECT_EQ(status.code(), StatusCode::kPermissionDenied);
  EXPECT_NE(status.message().find("env.VAKT_SMTP_PASSWORD"), std::string::npos);
  EXPECT_TRUE(CheckEnvironmentReferences(parsed->tags(), {"CLUSTER", "VAKT_SMTP_PASSWORD"}).ok());
}

TEST(EnvironmentTest, AllowedButUnsetVariableFailsStrictRender) {
  const json context = WithEnvironment(json::object(), AllowListedEnvironment({"REGION"}, [](const char*) -> const char* { return nullptr; }));
  Result<std::string> rendered = RenderTemplate("{{env.REGION}}", context);
  ASSERT_FALSE(rendered.ok());
  EXPECT_NE(rendered.status().message().find("env.REGION"), std::string::npos);
}

}  // namespace
}  // namespace vakt::templating
