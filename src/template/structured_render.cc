#include "template/structured_render.h"

namespace vakt::templating {
namespace {

// EscapePointerToken escapes one RFC 6901 reference token: "~" as "~0", "/" as "~1".
std::string EscapePointerToken(const std::string& token) {
  std::string out;
  for (const char ch : token) {
    if (ch == '~') {
      out += "~0";
    } else if (ch == '/') {
      out += "~1";
    } else {
      out += ch;
    }
  }
  return out;
}

Result<nlohmann::json> RenderLeaves(const nlohmann::json& node, const nlohmann::json& context,
                                    const RenderOptions& options, const std::string& pointer) {
  if (node.is_string()) {
    Result<std::string> rendered =
        RenderTemplate(node.get_ref<const std::string&>(), context, options);
    if (!rendered.ok()) return rendered.status().WithContext("at " + (pointer.empty() ? "/" : pointer));
    return nlohmann::json(std::move(rendered).value());
  }
  if (node.is_object()) {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& [key, child] : node.items()) {
      // The pointer names the key as written in the template, so an error points at the source.
      const std::string child_pointer = pointer + "/" + EscapePointerToken(key);
      Result<std::string> rendered_key = RenderTemplate(key, context, options);
      if (!rendered_key.ok()) {
        return rendered_key.status().WithContext("in the key at " + child_pointer);
      }
      if (out.contains(*rendered_key)) {
        return Status::InvalidArgument(
            "at " + child_pointer + ": key renders to \"" + *rendered_key +
            "\", which another key of the same object also renders to");
      }
      VAKT_ASSIGN_OR_RETURN(nlohmann::json rendered_child,
                            RenderLeaves(child, context, options, child_pointer));
      out[std::move(rendered_key).value()] = std::move(rendered_child);
    }
    return out;
  }
  if (node.is_array()) {
    nlohmann::json out = nlohmann::json::array();
    for (size_t index = 0; index < node.size(); ++index) {
      VAKT_ASSIGN_OR_RETURN(nlohmann::json child, RenderLeaves(node[index], context, options,
                                                               pointer + "/" +
                                                                   std::to_string(index)));
      out.push_back(std::move(child));
    }
    return out;
  }
  return node;
}

}  // namespace

Result<nlohmann::json> RenderJsonTemplate(const nlohmann::json& structure,
                                          const nlohmann::json& context,
                                          MissingVariables missing) {
  return RenderLeaves(structure, context, RenderOptions{Escaping::kPlainText, missing}, "");
}

Result<std::vector<std::string>> RenderArgv(const std::vector<std::string>& argv_template,
                                            const nlohmann::json& context,
                                            MissingVariables missing) {
  std::vector<std::string> argv;
  argv.reserve(argv_template.size());
  for (size_t index = 0; index < argv_template.size(); ++index) {
    Result<std::string> rendered = RenderTemplate(argv_template[index], context,
                                                  RenderOptions{Escaping::kPlainText, missing});
    if (!rendered.ok()) {
      return rendered.status().WithContext("argv[" + std::to_string(index) + "]");
    }
    if (rendered->find('\0') != std::string::npos) {
      return Status::InvalidArgument("argv[" + std::to_string(index) +
                                     "]: rendered value contains a NUL byte");
    }
    argv.push_back(std::move(rendered).value());
  }
  return argv;
}

}  // namespace vakt::templating
