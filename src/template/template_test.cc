#include "template/template.h"

#include <gtest/gtest.h>

namespace vakt::templating {
namespace {

using nlohmann::json;

std::string RenderOrDie(std::string_view source, const json& context,
                        const RenderOptions& options = {}) {
  Result<std::string> rendered = RenderTemplate(source, context, options);
  EXPECT_TRUE(rendered.ok()) << rendered.status().ToString();
  return rendered.ok() ? *rendered : "<error>";
}

// Values an attacker can put in alert labels and annotations.
const char* const kHostileValues[] = {
    "{{env.SECRET}}",
    "{{{env.SECRET}}}",
    "{{#env}}{{SECRET}}{{/env}}",
    "{{=<% %>=}}<% env.SECRET %>",
    "{{>partial}}",
    "quote\" apostrophe' back\\slash",
    "line1\nline2\r\nBcc: victim@example.com",
    "\"}, \"admin\": true, \"x\": {\"",
    "$(touch /tmp/pwned); `id` | nc 127.0.0.1 1 && echo ;",
    "<!channel> <@U123> <https://evil.example|click>",
};

TEST(TemplateTest, AlertTextIsDataNeverTemplateSource) {
  for (const char* hostile : kHostileValues) {
    const json context = {{"alert", {{"labels", {{"summary", hostile}}}}},
                          {"env", {{"SECRET", "s3cr3t"}}},
                          {"partial", "{{env.SECRET}}"}};
    EXPECT_EQ(RenderOrDie("[{{alert.labels.summary}}]", context),
              std::string("[") + hostile + "]");
    EXPECT_EQ(RenderOrDie("[{{{alert.labels.summary}}}]", context),
              std::string("[") + hostile + "]");
    EXPECT_EQ(RenderOrDie("[{{& alert.labels.summary }}]", context),
              std::string("[") + hostile + "]");
  }
}

TEST(TemplateTest, PartialsAreRejectedSoContextCannotBecomeSource) {
  // kainjow would look the partial up by name in the context, i.e. in alert data.
  Result<Template> parsed = Template::Parse("Summary: {{> summary}}");
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.status().message().find("partials are not supported"), std::string::npos);
}

TEST(TemplateTest, HtmlEscapesValuesButNotTheTemplate) {
  const json context = {{"v", "<script>alert(\"x\")</script> & 'q'"}};
  EXPECT_EQ(RenderOrDie("<b>{{v}}</b>", context, {Escaping::kHtml, MissingVariables::kStrict}),
            "<b>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;q&#39;</b>");
}

TEST(TemplateTest, PlainTextInsertsValuesVerbatim) {
  const json context = {{"v", "<b> & \"q\""}};
  EXPECT_EQ(RenderOrDie("{{v}}", context), "<b> & \"q\"");
}

TEST(TemplateTest, StrictModeNamesTheMissingVariable) {
  const json context = {{"alert", {{"labels", {{"severity", "page"}}}}}};
  Result<std::string> rendered = RenderTemplate("team={{alert.labels.team}}", context);
  ASSERT_FALSE(rendered.ok());
  EXPECT_EQ(rendered.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(rendered.status().message().find("\"alert.labels.team\""), std::string::npos)
      << rendered.status().message();
}

TEST(TemplateTest, StrictModeCatchesMissingVariablesInsideListItems) {
  const json context = {{"alerts", json::array({{{"name", "a"}}, json::object()})}};
  Result<std::string> rendered = RenderTemplate("{{#alerts}}{{name}} {{/alerts}}", context);
  ASSERT_FALSE(rendered.ok());
  EXPECT_NE(rendered.status().message().find("\"name\""), std::string::npos);
}

TEST(TemplateTest, LenientModeRendersMissingAsEmpty) {
  EXPECT_EQ(RenderOrDie("team=[{{alert.labels.team}}]", json::object(),
                        {Escaping::kPlainText, MissingVariables::kLenient}),
            "team=[]");
}

TEST(TemplateTest, AbsentSectionIsFalseEvenInStrictMode) {
  const char* source = "{{#runbook_url}}Runbook: {{runbook_url}}{{/runbook_url}}"
                       "{{^runbook_url}}no runbook{{/runbook_url}}";
  EXPECT_EQ(RenderOrDie(source, json::object()), "no runbook");
  EXPECT_EQ(RenderOrDie(source, {{"runbook_url", ""}}), "no runbook");
  EXPECT_EQ(RenderOrDie(source, {{"runbook_url", nullptr}}), "no runbook");
  EXPECT_EQ(RenderOrDie(source, {{"runbook_url", "https://rb"}}), "Runbook: https://rb");
}

TEST(TemplateTest, RendersScalarsAndIteratesLists) {
  const json context = {{"incident", {{"id", 42}, {"score", 0.5}, {"acked", true}, {"note", nullptr}}},
                        {"alerts", json::array({{{"name", "Drift"}}, {{"name", "Latency"}}})}};
  EXPECT_EQ(RenderOrDie("#{{incident.id}} {{incident.score}} acked={{incident.acked}} "
                        "note=[{{incident.note}}]{{#alerts}} {{name}}/{{incident.id}}{{/alerts}}",
                        context),
            "#42 0.5 acked=true note=[] Drift/42 Latency/42");
}

TEST(TemplateTest, DottedNameResolvesRestStrictlyBelowFirstPart) {
  // Inside the section, "labels.team" finds this alert's labels and must not fall back to the
  // root's labels.team when this alert has labels but no team.
  const json context = {{"labels", {{"team", "root-team"}}},
                        {"alerts", json::array({{{"labels", {{"severity", "page"}}}}})}};
  Result<std::string> rendered = RenderTemplate("{{#alerts}}{{labels.team}}{{/alerts}}", context);
  ASSERT_FALSE(rendered.ok());
}

TEST(TemplateTest, RejectsTheInternalMarkerByteAndSyntaxErrors) {
  EXPECT_FALSE(Template::Parse("a\x1f{{b}}").ok());
  EXPECT_FALSE(Template::Parse("{{#a}}").ok());
}

TEST(TemplateTest, RejectsContextsNestedTooDeep) {
  json deep = "leaf";
  for (int level = 0; level < 80; ++level) deep = json{{"n", deep}};
  Result<std::string> rendered = RenderTemplate("x", deep);
  ASSERT_FALSE(rendered.ok());
  EXPECT_NE(rendered.status().message().find("deeper"), std::string::npos);
}

TEST(TemplateTest, ParsedTemplateRendersManyContexts) {
  Result<Template> parsed = Template::Parse("Hello {{name}}");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(*parsed->Render({{"name", "a"}}), "Hello a");
  EXPECT_EQ(*parsed->Render({{"name", "b"}}), "Hello b");
}

}  // namespace
}  // namespace vakt::templating
