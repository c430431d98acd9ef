#include "template/structured_render.h"

#include <gtest/gtest.h>

namespace vakt::templating {
namespace {

using nlohmann::json;

const char* const kJsonBreakingValues[] = {
    "\"}",
    "\\",
    "\\\"",
    "a\nb\r\nc\td",
    "\"}, \"admin\": true, \"x\": {\"",
    "{{secret}}",
    "$(rm -rf /); `id` | cat /etc/passwd > /dev/null && echo 'x' \"y\"",
    "\xe2\x80\xae rtl override",
    "</script><script>",
};

TEST(StructuredRenderTest, JsonValuesCannotLeaveTheirString) {
  const json body_template = {{"text", "Alert: {{v}}"},
                              {"count", 3},
                              {"nested", json::array({{{"k", "{{v}}"}}, true, nullptr})}};
  for (const char* hostile : kJsonBreakingValues) {
    Result<json> rendered = RenderJsonTemplate(body_template, {{"v", hostile}, {"secret", "s"}});
    ASSERT_TRUE(rendered.ok()) << rendered.status().ToString();
    // Round-trip through text, as the body goes over the wire.
    const json reparsed = json::parse(rendered->dump());
    EXPECT_EQ(reparsed.size(), 3u) << hostile;
    EXPECT_EQ(reparsed["text"], std::string("Alert: ") + hostile);
    EXPECT_EQ(reparsed["count"], 3);
    EXPECT_EQ(reparsed["nested"][0]["k"], hostile);
    EXPECT_EQ(reparsed["nested"][0].size(), 1u);
    EXPECT_EQ(reparsed["nested"][1], true);
    EXPECT_TRUE(reparsed["nested"][2].is_null());
    EXPECT_FALSE(reparsed.contains("admin"));
  }
}

TEST(StructuredRenderTest, JsonErrorNamesThePointerOfTheLeaf) {
  Result<json> rendered =
      RenderJsonTemplate({{"a", json::array({"ok", {{"b/c", "{{missing}}"}}})}}, json::object());
  ASSERT_FALSE(rendered.ok());
  EXPECT_NE(rendered.status().message().find("at /a/1/b~1c"), std::string::npos)
      << rendered.status().message();
  EXPECT_NE(rendered.status().message().find("\"missing\""), std::string::npos);
}

TEST(StructuredRenderTest, ObjectKeysAreRenderedAndCannotLeaveTheirString) {
  // A router contract keys its weights by model version: {"weights": {"<version>": 100}}.
  const json body_template = {{"weights", {{"{{previous}}", 100}, {"{{deployed}}", 0}}},
                              {"literal", {{"plain key", "{{previous}}"}}},
                              {"reason", "{{id}}"}};
  Result<json> shift =
      RenderJsonTemplate(body_template, {{"previous", "41"}, {"deployed", "42"}, {"id", "INC-1"}});
  ASSERT_TRUE(shift.ok()) << shift.status().ToString();
  EXPECT_EQ(json::parse(shift->dump()), json::parse(R"({"weights": {"41": 100, "42": 0},
                            "literal": {"plain key": "41"}, "reason": "INC-1"})"));

  for (const char* hostile : kJsonBreakingValues) {
    Result<json> rendered =
        RenderJsonTemplate({{"m", {{"k-{{v}}", 1}}}, {"n", 2}}, {{"v", hostile}, {"secret", "s"}});
    ASSERT_TRUE(rendered.ok()) << rendered.status().ToString();
    const json reparsed = json::parse(rendered->dump());
    EXPECT_EQ(reparsed.size(), 2u) << hostile;
    ASSERT_EQ(reparsed["m"].size(), 1u) << hostile;
    EXPECT_EQ(reparsed["m"].begin().key(), std::string("k-") + hostile);
    EXPECT_EQ(reparsed["m"].begin().value(), 1);
    EXPECT_EQ(reparsed["n"], 2);
    EXPECT_FALSE(reparsed.contains("admin"));
  }
}

TEST(StructuredRenderTest, KeysThatRenderToTheSameTextAreAnError) {
  // previous_version == deployed_version must not silently drop one weight.
  Result<json> rendered =
      RenderJsonTemplate({{"weights", {{"{{previous}}", 100}, {"{{deployed}}", 0}}}},
                         {{"previous", "41"}, {"deployed", "41"}});
  ASSERT_FALSE(rendered.ok());
  EXPECT_EQ(rendered.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(rendered.status().message().find("\"41\""), std::string::npos)
      << rendered.status().message();
  EXPECT_NE(rendered.status().message().find("at /weights/"), std::string::npos)
      << rendered.status().message();

  // A rendered key also collides with a literal one.
  EXPECT_FALSE(RenderJsonTemplate({{"a", 1}, {"{{v}}", 2}}, {{"v", "a"}}).ok());
}

TEST(StructuredRenderTest, KeyErrorNamesThePointerOfTheKey) {
  Result<json> rendered = RenderJsonTemplate({{"a", {{"x/{{missing}}", 1}}}}, json::object());
  ASSERT_FALSE(rendered.ok());
  EXPECT_NE(rendered.status().message().find("key at /a/x~1{{missing}}"), std::string::npos)
      << rendered.status().message();
  EXPECT_NE(rendered.status().message().find("\"missing\""), std::string::npos);
}

TEST(StructuredRenderTest, ArgvKeepsOneElementPerTemplateElement) {
  for (const char* hostile : kJsonBreakingValues) {
    Result<std::vector<std::string>> argv =
        RenderArgv({"/usr/bin/kubectl", "--label={{v}}", "{{v}}"}, {{"v", hostile}});
    ASSERT_TRUE(argv.ok()) << argv.status().ToString();
    EXPECT_EQ(*argv, (std::vector<std::string>{"/usr/bin/kubectl",
                                               std::string("--label=") + hostile, hostile}));
  }
}

TEST(StructuredRenderTest, ArgvRejectsNulBytes) {
  Result<std::vector<std::string>> argv =
      RenderArgv({"echo", "{{v}}"}, {{"v", std::string("a\0b", 3)}});
  ASSERT_FALSE(argv.ok());
  EXPECT_NE(argv.status().message().find("argv[1]"), std::string::npos);
}

TEST(StructuredRenderTest, LenientArgvKeepsEmptyElements) {
  Result<std::vector<std::string>> argv =
      RenderArgv({"echo", "{{missing}}", "x"}, json::object(), MissingVariables::kLenient);
  ASSERT_TRUE(argv.ok());
  EXPECT_EQ(*argv, (std::vector<std::string>{"echo", "", "x"}));
}

}  // namespace
}  // namespace vakt::templating
