#include "template/template.h"

#include <algorithm>
#include <kainjow/mustache.hpp>

namespace vakt::templating {
namespace {

namespace km = kainjow::mustache;

// Marks a variable tag's name in the source handed to kainjow; see Template::marked_.
constexpr char kVariableMarker = '\x1f';
constexpr int kMaxContextDepth = 64;

Result<km::data> ToData(const nlohmann::json& value, int depth) {
  if (depth > kMaxContextDepth) {
    return Status::InvalidArgument("template context nests deeper than " +
                                   std::to_string(kMaxContextDepth) + " levels");
  }
  switch (value.type()) {
    case nlohmann::json::value_t::object: {
      km::data object(km::data::type::object);
      for (const auto& [key, child] : value.items()) {
        VAKT_ASSIGN_OR_RETURN(km::data converted, ToData(child, depth + 1));
        object.set(key, converted);
      }
      return object;
    }
    case nlohmann::json::value_t::array: {
      km::data list(km::data::type::list);
      for (const auto& child : value) {
        VAKT_ASSIGN_OR_RETURN(km::data converted, ToData(child, depth + 1));
        list.push_back(converted);
      }
      return list;
    }
    case nlohmann::json::value_t::string:
      return km::data(value.get_ref<const std::string&>());
    case nlohmann::json::value_t::boolean:
      return km::data(value.get<bool>());
    case nlohmann::json::value_t::null:
      return km::data(std::string());
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned:
    case nlohmann::json::value_t::number_float:
      return km::data(value.dump());
    default:
      return Status::InvalidArgument("template context holds a value of unsupported JSON type " +
                                     std::string(value.type_name()));
  }
}

// LookupContext resolves names the Mustache way (first dotted part up the context stack, the rest
// strictly below it) and records the first variable that did not resolve. It never returns a
// partial, so context data cannot become template source. One per render; not thread-safe.
class LookupContext final : public km::basic_context<std::string> {
 public:
  explicit LookupContext(const km::data* root) { stack_.push_back(root); }

  void push(const km::data* data) override { stack_.push_back(data); }
  void pop() override { stack_.pop_back(); }

  const km::data* get(const std::string& raw_name) const override {
    const bool is_variable = !raw_name.empty() && raw_name.front() == kVariableMarker;
    const std::string_view name = is_variable ? std::string_view(raw_name).substr(1) : raw_name;
    const km::data* found = Resolve(name);
    if (found == nullptr) {
      if (is_variable && first_missing_.empty()) first_missing_ = std::string(name);
      return nullptr;
    }
    if (is_variable && found->is_bool()) return found->is_true() ? &true_text_ : &false_text_;
    if (!is_variable && found->is_string() && found->string_value().empty()) return &false_;
    return found;
  }

  const km::data* get_partial(const std::string& /*name*/) const override { return nullptr; }

  const std::string& first_missing() const { return first_missing_; }

 private:
  const km::data* Resolve(std::string_view name) const {
    if (name == ".") return stack_.back();
    const size_t dot = name.find('.');
    const std::string head(name.substr(0, dot));
    const km::data* found = nullptr;
    for (auto it = stack_.rbegin(); it != stack_.rend() && found == nullptr; ++it) {
      found = (*it)->get(head);
    }
    std::string_view rest = dot == std::string_view::npos ? std::string_view() : name.substr(dot + 1);
    while (found != nullptr && dot != std::string_view::npos) {
      const size_t next = rest.find('.');
      found = found->get(std::string(rest.substr(0, next)));
      if (next == std::string_view::npos) break;
      rest.remove_prefix(next + 1);
    }
    return found;
  }

  std::vector<const km::data*> stack_;
  // get() is const in kainjow's interface; recording a miss is this context's only side effect.
  mutable std::string first_missing_;
  const km::data true_text_{std::string("true")};
  const km::data false_text_{std::string("false")};
  const km::data false_{false};
};

}  // namespace

Result<Template> Template::Parse(std::string_view source) {
  if (source.find(kVariableMarker) != std::string_view::npos) {
    return Status::InvalidArgument("template: source contains the control byte 0x1F");
  }
  VAKT_ASSIGN_OR_RETURN(std::vector<TemplateTag> tags, ScanTemplate(source));
  std::string marked(source);
  // Insert from the back so earlier offsets stay valid.
  for (auto it = tags.rbegin(); it != tags.rend(); ++it) {
    if (it->kind == TagKind::kPartial) {
      return Status::InvalidArgument("template: partials are not supported ({{>" + it->name +
                                     "}} at offset " + std::to_string(it->name_offset) + ")");
    }
    if (it->kind == TagKind::kVariable || it->kind == TagKind::kUnescaped) {
      marked.insert(it->name_offset, 1, kVariableMarker);
    }
  }
  // kainjow is the parser that will render; let it confirm it agrees the syntax is valid.
  const km::mustache check(marked);
  if (!check.is_valid()) {
    return Status::InvalidArgument("template: " + check.error_message());
  }
  return Template(std::string(source), std::move(marked), std::move(tags));
}

Result<std::string> Template::Render(const nlohmann::json& context,
                                     const RenderOptions& options) const {
  VAKT_ASSIGN_OR_RETURN(km::data data, ToData(context, 0));
  km::mustache renderer(marked_);
  if (options.escaping == Escaping::kHtml) {
    renderer.set_custom_escape([](const std::string& text) { return HtmlEscape(text); });
  } else {
    renderer.set_custom_escape([](const std::string& text) { return text; });
  }
  LookupContext lookup(&data);
  std::string rendered = renderer.render(lookup);
  if (!renderer.is_valid()) {
    return Status::InvalidArgument("template: " + renderer.error_message());
  }
  if (options.missing == MissingVariables::kStrict && !lookup.first_missing().empty()) {
    return Status::InvalidArgument("template: variable \"" + lookup.first_missing() +
                                   "\" is not set");
  }
  return rendered;
}

Result<std::string> RenderTemplate(std::string_view source, const nlohmann::json& context,
                                   const RenderOptions& options) {
  VAKT_ASSIGN_OR_RETURN(Template parsed, Template::Parse(source));
  return parsed.Render(context, options);
}

std::string HtmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char ch : text) {
    switch (ch) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += ch;
    }
  }
  return out;
}

}  // namespace vakt::templating
