#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace vakt::templating {

// TagKind is what a Mustache tag does with its name.
enum class TagKind {
  kVariable,          // {{name}}: escaped for the sink
  kUnescaped,         // {{{name}}} or {{&name}}: inserted as is
  kSection,           // {{#name}} ... {{/name}}
  kInvertedSection,   // {{^name}} ... {{/name}}
  kPartial,           // {{>name}}: rejected at render time (see template.h)
};

// TemplateTag is one name-bearing tag found in template source.
struct TemplateTag {
  TagKind kind;
  std::string name;
  // Offset in the source where the (trimmed) name starts.
  size_t name_offset = 0;
  // Names of the sections this tag is nested in, outermost first. A name inside a section resolves
  // against that section's value first, so "labels.x" inside {{#alerts}} means alerts[i].labels.x.
  std::vector<std::string> sections;

  bool operator==(const TemplateTag&) const = default;
};

// ScanTemplate lists the tags of Mustache `source` in source order, following set-delimiter tags
// ({{=<% %>=}}) the way kainjow-mustache does. Comments, section ends and delimiter changes are not
// listed. Returns InvalidArgument naming the offset for an unclosed tag, an empty name, an invalid
// delimiter tag or unbalanced sections.
Result<std::vector<TemplateTag>> ScanTemplate(std::string_view source);

// TemplateVariable is a distinct (name, enclosing sections) pair a template reads.
struct TemplateVariable {
  std::string name;
  TagKind kind;
  std::vector<std::string> sections;

  bool operator==(const TemplateVariable&) const = default;
};

// ListTemplateVariables returns the distinct names `template_text` reads, first occurrence first,
// for "what does this template need?" checks before a template is accepted. Partials are listed
// too, so a validator can reject them. Errors as for ScanTemplate.
Result<std::vector<TemplateVariable>> ListTemplateVariables(std::string_view template_text);

}  // namespace vakt::templating
