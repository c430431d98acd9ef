#include "template/tag_scanner.h"

#include <algorithm>
#include <cctype>

namespace vakt::templating {
namespace {

bool IsSpace(char ch) { return std::isspace(static_cast<unsigned char>(ch)) != 0; }

std::string_view Trim(std::string_view text) {
  while (!text.empty() && IsSpace(text.front())) text.remove_prefix(1);
  while (!text.empty() && IsSpace(text.back())) text.remove_suffix(1);
  return text;
}

Status ScanError(const std::string& what, size_t offset) {
  return Status::InvalidArgument("template: " + what + " at offset " + std::to_string(offset));
}

// ParseSetDelimiter mirrors kainjow's rule: "=BEGIN END=" with no '=' or space inside either.
bool ParseSetDelimiter(std::string_view contents, std::string* begin, std::string* end) {
  if (contents.size() < 5 || contents.back() != '=') return false;
  std::string_view inner = Trim(contents.substr(1, contents.size() - 2));
  const size_t space = inner.find(' ');
  if (space == std::string_view::npos) return false;
  const std::string_view first = inner.substr(0, space);
  const std::string_view second = Trim(inner.substr(space + 1));
  auto valid = [](std::string_view delim) {
    return !delim.empty() && std::none_of(delim.begin(), delim.end(),
                                          [](char ch) { return ch == '=' || IsSpace(ch); });
  };
  if (!valid(first) || !valid(second)) return false;
  *begin = std::string(first);
  *end = std::string(second);
  return true;
}

}  // namespace

Result<std::vector<TemplateTag>> ScanTemplate(std::string_view source) {
  std::vector<TemplateTag> tags;
  std::vector<std::string> sections;
  std::string open = "{{";
  std::string close = "}}";
  size_t pos = 0;
  while (pos < source.size()) {
    const size_t tag_start = source.find(open, pos);
    if (tag_start == std::string_view::npos) break;
    size_t contents_start = tag_start + open.size();
    const bool triple = open == "{{" && contents_start < source.size() &&
                        source[contents_start] == '{';
    const std::string_view tag_close = triple ? std::string_view("}}}") : std::string_view(close);
    if (triple) ++contents_start;
    const size_t tag_end = source.find(tag_close, contents_start);
    if (tag_end == std::string_view::npos) return ScanError("unclosed tag", tag_start);
    pos = tag_end + tag_close.size();

    const std::string_view raw = source.substr(contents_start, tag_end - contents_start);
    const std::string_view contents = Trim(raw);
    TagKind kind = TagKind::kVariable;
    size_t name_skip = 0;  // characters of `contents` before the name
    if (triple) {
      kind = TagKind::kUnescaped;
    } else if (contents.empty()) {
      return ScanError("empty tag", tag_start);
    } else {
      switch (contents.front()) {
        case '!':
          continue;
        case '=':
          if (!ParseSetDelimiter(contents, &open, &close)) {
            return ScanError("invalid set-delimiter tag", tag_start);
          }
          continue;
        case '/': {
          const std::string name(Trim(contents.substr(1)));
          if (sections.empty() || sections.back() != name) {
            return ScanError("section end \"" + name + "\" does not match an open section",
                             tag_start);
          }
          sections.pop_back();
          continue;
        }
        case '#':
          kind = TagKind::kSection;
          name_skip = 1;
          break;
        case '^':
          kind = TagKind::kInvertedSection;
          name_skip = 1;
          break;
        case '>':
          kind = TagKind::kPartial;
          name_skip = 1;
          break;
        case '&':
          kind = TagKind::kUnescaped;
          name_skip = 1;
          break;
        default:
          break;
      }
    }
    const std::string_view after_sigil = contents.substr(name_skip);
    const std::string_view name = Trim(after_sigil);
    if (name.empty()) return ScanError("tag without a name", tag_start);
    // Every view here points into `source`, so the name's offset is plain pointer arithmetic.
    const auto name_offset = static_cast<size_t>(name.data() - source.data());
    tags.push_back(TemplateTag{kind, std::string(name), name_offset, sections});
    if (kind == TagKind::kSection || kind == TagKind::kInvertedSection) {
      sections.emplace_back(name);
    }
  }
  if (!sections.empty()) {
    return ScanError("section \"" + sections.back() + "\" is never closed", source.size());
  }
  return tags;
}

Result<std::vector<TemplateVariable>> ListTemplateVariables(std::string_view template_text) {
  VAKT_ASSIGN_OR_RETURN(std::vector<TemplateTag> tags, ScanTemplate(template_text));
  std::vector<TemplateVariable> variables;
  for (const TemplateTag& tag : tags) {
    TemplateVariable variable{tag.name, tag.kind, tag.sections};
    if (std::find(variables.begin(), variables.end(), variable) == variables.end()) {
      variables.push_back(std::move(variable));
    }
  }
  return variables;
}

}  // namespace vakt::templating
