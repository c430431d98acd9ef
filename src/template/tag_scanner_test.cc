#include "template/tag_scanner.h"

#include <gtest/gtest.h>

namespace vakt::templating {
namespace {

// Renders tags as "kind:name@sections" so one assertion shows the whole scan.
std::string Describe(const std::vector<TemplateVariable>& variables) {
  std::string out;
  for (const auto& variable : variables) {
    static constexpr const char* kKinds[] = {"var", "raw", "sec", "inv", "partial"};
    out += kKinds[static_cast<int>(variable.kind)];
    out += ":" + variable.name;
    for (const auto& section : variable.sections) out += "@" + section;
    out += " ";
  }
  return out;
}

TEST(TagScannerTest, ListsEveryKindOnceInSourceOrder) {
  auto variables = ListTemplateVariables(
      "{{! comment }}{{title}} {{{raw}}} {{& amp }}{{#alerts}}{{labels.team}}{{title}}{{/alerts}}"
      "{{^quiet}}loud{{/quiet}}{{title}}{{>footer}}");
  ASSERT_TRUE(variables.ok()) << variables.status().ToString();
  EXPECT_EQ(Describe(*variables),
            "var:title raw:raw raw:amp sec:alerts var:labels.team@alerts var:title@alerts "
            "inv:quiet partial:footer ");
}

TEST(TagScannerTest, FollowsSetDelimiterTags) {
  auto variables = ListTemplateVariables("{{=<% %>=}}<% a %> {{not_a_tag}} <%={{ }}=%>{{b}}");
  ASSERT_TRUE(variables.ok()) << variables.status().ToString();
  EXPECT_EQ(Describe(*variables), "var:a var:b ");
}

TEST(TagScannerTest, NameOffsetPointsAtTheName) {
  const std::string source = "x {{  name  }} {{# sec }}{{/sec}}";
  auto tags = ScanTemplate(source);
  ASSERT_TRUE(tags.ok());
  ASSERT_EQ(tags->size(), 2u);
  EXPECT_EQ(source.substr((*tags)[0].name_offset, 4), "name");
  EXPECT_EQ(source.substr((*tags)[1].name_offset, 3), "sec");
}

TEST(TagScannerTest, RejectsMalformedTemplates) {
  struct Case {
    const char* source;
    const char* message_part;
  };
  const Case cases[] = {
      {"hello {{name", "unclosed tag at offset 6"},
      {"{{#a}}x", "section \"a\" is never closed"},
      {"{{#a}}{{/b}}", "section end \"b\""},
      {"{{/a}}", "section end \"a\""},
      {"{{}}", "empty tag"},
      {"{{# }}", "tag without a name"},
      {"{{=<%%>=}}", "invalid set-delimiter"},
  };
  for (const Case& c : cases) {
    auto tags = ScanTemplate(c.source);
    ASSERT_FALSE(tags.ok()) << c.source;
    EXPECT_EQ(tags.status().code(), StatusCode::kInvalidArgument) << c.source;
    EXPECT_NE(tags.status().message().find(c.message_part), std::string::npos)
        << c.source << " -> " << tags.status().message();
  }
}

}  // namespace
}  // namespace vakt::templating
