#include "runbook/template_scanner.h"

#include <gtest/gtest.h>

namespace vakt::runbook {
namespace {

// Render shows the scan as "kind:name@depth" per tag, or "error: message".
std::string Render(std::string_view text) {
  Result<std::vector<TemplateTag>> tags = ScanTemplate(text);
  if (!tags.ok()) return "error: " + tags.status().message();
  static constexpr const char* kKinds[] = {"var", "section", "inverted", "close",
                                           "comment", "partial", "delimiter"};
  std::string out;
  for (const TemplateTag& tag : *tags) {
    out += (out.empty() ? "" : " ") + std::string(kKinds[static_cast<int>(tag.kind)]) + ":" +
           tag.name + "@" + std::to_string(tag.section_depth);
  }
  return out;
}

TEST(TemplateScannerTest, TokenisesMustacheTags) {
  struct Case {
    const char* text;
    const char* want;
  };
  const Case cases[] = {
      {"no tags", ""},
      {"{{alert.labels.model}}", "var:alert.labels.model@0"},
      {"a {{ incident.id }} b {{{env.ROUTER_URL}}} {{& runbook.id}}",
       "var:incident.id@0 var:env.ROUTER_URL@0 var:runbook.id@0"},
      {"{{#incident.context.risks}}{{title}}{{/incident.context.risks}}",
       "section:incident.context.risks@0 var:title@1 close:incident.context.risks@0"},
      {"{{^deployment.version}}none{{/deployment.version}}",
       "inverted:deployment.version@0 close:deployment.version@0"},
      {"{{! a comment }}{{> partial}}", "comment:a comment@0 partial:partial@0"},
      {"{{alert.labels.model", "error: unterminated tag at offset 0"},
      {"{{#a}}{{/b}}", "error: {{/b}} at offset 6 closes section \"a\""},
      {"{{#a}}", "error: section \"a\" is never closed"},
      {"x {{ }}", "error: empty tag at offset 2"},
  };
  for (const Case& c : cases) EXPECT_EQ(Render(c.text), c.want) << c.text;
}

TEST(TemplateScannerTest, VariablesMustBeInTheDocumentedContext) {
  auto allow_router = [](std::string_view name) { return name == "ROUTER_URL"; };
  struct Case {
    const char* name;
    const char* problem;
  };
  const Case cases[] = {
      {"alert.labels.model", ""},
      {"alert.annotations.summary", ""},
      {"alert.labels.bad-name", "\"bad-name\" is not a valid label name"},
      {"incident.context.previous_version", ""},
      {"incident.context.previous", "unknown template variable \"incident.context.previous\""},
      {"pipeline.id", ""},
      {"deployment.version", ""},
      {"runbook.content_hash", ""},
      {"env.ROUTER_URL", ""},
      {"env.AWS_SECRET_ACCESS_KEY", "env.AWS_SECRET_ACCESS_KEY is not in the catalogue's env_allow_list"},
      {"env.lower", "\"lower\" is not an environment variable name"},
      {"alertname", "unknown template variable \"alertname\""},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(TemplateVariableProblem(c.name, allow_router), c.problem) << c.name;
  }
}

}  // namespace
}  // namespace vakt::runbook
