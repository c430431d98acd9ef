#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace vakt::runbook {

// TemplateTag is one mustache tag found in a template string.
struct TemplateTag {
  enum class Kind { kVariable, kSection, kInverted, kClose, kComment, kPartial, kDelimiter };
  Kind kind = Kind::kVariable;
  std::string name;        // trimmed tag name ("alert.labels.model", "." for the current item)
  size_t offset = 0;       // byte offset of "{{" in the template
  int section_depth = 0;   // how many sections enclose the tag
};

// ScanTemplate tokenises mustache `{{...}}` tags ({{x}}, {{{x}}}, {{&x}}, {{#s}}, {{^s}},
// {{/s}}, {{!c}}, {{>p}}, {{=<% %>=}}) without rendering anything. InvalidArgument for an
// unterminated tag, an empty name, or unbalanced/mismatched sections, naming the offset. Partials
// and delimiter changes are returned as tags; the linter rejects them (runbooks keep templates
// inspectable).
Result<std::vector<TemplateTag>> ScanTemplate(std::string_view text);

// IsLabelName says whether `name` is a Prometheus label name ([a-zA-Z_][a-zA-Z0-9_]*): for a
// runbook's match keys and the alert.labels.* / alert.annotations.* template paths.
bool IsLabelName(std::string_view name);

// TemplateVariableProblem says why `name` is not in the documented runbook template context
// (docs/runbook_schema.md "Templates"), or returns "" when it is. `env_allowed` answers whether
// env.NAME may be read.
template <typename EnvAllowed>
std::string TemplateVariableProblem(std::string_view name, EnvAllowed env_allowed);

// KnownContextPaths lists the fixed (non-label) paths of the template context, for docs and
// messages.
const std::vector<std::string_view>& KnownContextPaths();

namespace internal {
std::string VariableProblem(std::string_view name, bool (*env_allowed)(void*, std::string_view),
                            void* state);
}  // namespace internal

template <typename EnvAllowed>
std::string TemplateVariableProblem(std::string_view name, EnvAllowed env_allowed) {
  return internal::VariableProblem(
      name,
      [](void* state, std::string_view env) { return (*static_cast<EnvAllowed*>(state))(env); },
      &env_allowed);
}

}  // namespace vakt::runbook
