#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/status.h"
#include "template/tag_scanner.h"

namespace vakt::templating {

// Escaping is how a variable's value is made safe for the sink the rendered text goes to. It is
// applied to values only, never to the template's own text. JSON bodies and argv lists are not
// escaping modes: they are rendered leaf by leaf (structured_render.h), so a value can never leave
// its string.
enum class Escaping {
  kPlainText,  // values inserted verbatim (plain-text e-mail bodies, subjects, Slack text that the
               // Slack notifier escapes itself)
  kHtml,       // & < > " ' as entities (HTML e-mail parts)
};

// MissingVariables says what a variable tag ({{x}}, {{{x}}}, {{&x}}) whose name does not resolve
// does. A section ({{#x}} / {{^x}}) may always be absent: that is how templates ask "is x set?".
enum class MissingVariables {
  kStrict,   // Render fails with InvalidArgument naming the variable
  kLenient,  // renders as empty text
};

struct RenderOptions {
  Escaping escaping = Escaping::kPlainText;
  MissingVariables missing = MissingVariables::kStrict;
};

// Template is Mustache source written by a trusted author (config, runbook, examples/), parsed
// and checked once. Values in the render context (alert labels, annotations, incident fields) are
// data: they are inserted after parsing and never parsed as template source, so a `{{...}}` inside
// an alert stays literal. Partials are rejected because kainjow resolves a partial by name from
// the context, which would let context data become template source. Bool values render as
// "true"/"false", null as empty text; an empty string or null is false in a section.
// Immutable after Parse; safe to Render from several threads at once.
class Template {
 public:
  // Parse checks `source`. Returns InvalidArgument (with the offset) on a syntax error, on a
  // partial tag, or if the source contains the 0x1F byte used internally to mark variable tags.
  static Result<Template> Parse(std::string_view source);

  // Render renders with `context` (normally a JSON object). Returns InvalidArgument naming the
  // first unresolved variable in strict mode, or if the context nests deeper than 64 levels.
  Result<std::string> Render(const nlohmann::json& context, const RenderOptions& options = {}) const;

  const std::string& source() const { return source_; }
  const std::vector<TemplateTag>& tags() const { return tags_; }

 private:
  Template(std::string source, std::string marked, std::vector<TemplateTag> tags)
      : source_(std::move(source)), marked_(std::move(marked)), tags_(std::move(tags)) {}

  std::string source_;
  // source_ with a 0x1F marker before each variable tag's name, so the lookup can tell a variable
  // (strict about absence) from a section (absence means false).
  std::string marked_;
  std::vector<TemplateTag> tags_;
};

// RenderTemplate parses and renders in one call; errors as Template::Parse and Template::Render.
Result<std::string> RenderTemplate(std::string_view source, const nlohmann::json& context,
                                   const RenderOptions& options = {});

// HtmlEscape replaces & < > " ' with entities.
std::string HtmlEscape(std::string_view text);

}  // namespace vakt::templating
