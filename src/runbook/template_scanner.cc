#include "runbook/template_scanner.h"

#include <fmt/format.h>

#include <algorithm>

namespace vakt::runbook {

bool IsLabelName(std::string_view name) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    if (!alpha && !(i > 0 && c >= '0' && c <= '9')) return false;
  }
  return true;
}

namespace {

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

bool IsEnvName(std::string_view name) {
  return !name.empty() && !(name[0] >= '0' && name[0] <= '9') &&
         std::all_of(name.begin(), name.end(), [](char c) {
           return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
         });
}

}  // namespace

Result<std::vector<TemplateTag>> ScanTemplate(std::string_view text) {
  std::vector<TemplateTag> tags;
  std::vector<std::string> open;
  size_t pos = 0;
  while ((pos = text.find("{{", pos)) != std::string_view::npos) {
    TemplateTag tag;
    tag.offset = pos;
    const bool triple = text.substr(pos).starts_with("{{{");
    const std::string_view closer = triple ? "}}}" : "}}";
    const size_t body_start = pos + (triple ? 3 : 2);
    const size_t end = text.find(closer, body_start);
    if (end == std::string_view::npos) {
      return Status::InvalidArgument(fmt::format("unterminated tag at offset {}", pos));
    }
    std::string_view body = Trim(text.substr(body_start, end - body_start));
    pos = end + closer.size();
    if (!triple && !body.empty() && std::string_view("#^/!>=&").find(body[0]) != std::string_view::npos) {
      switch (body[0]) {
        case '#':
          tag.kind = TemplateTag::Kind::kSection;
          break;
        case '^':
          tag.kind = TemplateTag::Kind::kInverted;
          break;
        case '/':
          tag.kind = TemplateTag::Kind::kClose;
          break;
        case '!':
          tag.kind = TemplateTag::Kind::kComment;
          break;
        case '>':
          tag.kind = TemplateTag::Kind::kPartial;
          break;
        case '=':
          tag.kind = TemplateTag::Kind::kDelimiter;
          break;
        default:  // '&': unescaped variable
          break;
      }
      body = Trim(body.substr(1));
    }
    tag.name = std::string(body);
    if (tag.kind == TemplateTag::Kind::kComment || tag.kind == TemplateTag::Kind::kDelimiter) {
      tag.section_depth = static_cast<int>(open.size());
      tags.push_back(std::move(tag));
      continue;
    }
    if (tag.name.empty()) {
      return Status::InvalidArgument(fmt::format("empty tag at offset {}", tag.offset));
    }
    if (tag.kind == TemplateTag::Kind::kClose) {
      if (open.empty() || open.back() != tag.name) {
        return Status::InvalidArgument(
            fmt::format("{{{{/{}}}}} at offset {} closes {}", tag.name, tag.offset,
                        open.empty() ? "no open section" : "section \"" + open.back() + "\""));
      }
      open.pop_back();
    }
    tag.section_depth = static_cast<int>(open.size());
    if (tag.kind == TemplateTag::Kind::kSection || tag.kind == TemplateTag::Kind::kInverted) {
      open.push_back(tag.name);
    }
    tags.push_back(std::move(tag));
  }
  if (!open.empty()) {
    return Status::InvalidArgument(fmt::format("section \"{}\" is never closed", open.back()));
  }
  return tags;
}

const std::vector<std::string_view>& KnownContextPaths() {
  static const std::vector<std::string_view> kPaths = {
      "incident.id",
      "incident.title",
      "incident.url",
      "incident.severity",
      "incident.status",
      "incident.started_at",
      "incident.context.pipeline",
      "incident.context.model",
      "incident.context.deployed_version",
      "incident.context.previous_version",
      "incident.context.in_change_window",
      "incident.context.business_processes",
      "incident.context.risks",
      "alert.fingerprint",
      "alert.status",
      "alert.starts_at",
      "alert.generator_url",
      "pipeline.id",
      "pipeline.title",
      "pipeline.team",
      "pipeline.owners",
      "pipeline.dashboards",
      "deployment.version",
      "deployment.previous_version",
      "deployment.deployed_at",
      "deployment.deployer",
      "deployment.notes",
      "runbook.id",
      "runbook.title",
      "runbook.version",
      "runbook.content_hash",
  };
  return kPaths;
}

namespace internal {

std::string VariableProblem(std::string_view name, bool (*env_allowed)(void*, std::string_view),
                            void* state) {
  for (std::string_view prefix : {"alert.labels.", "alert.annotations."}) {
    if (name.starts_with(prefix)) {
      const std::string_view label = name.substr(prefix.size());
      return IsLabelName(label) ? "" : fmt::format("\"{}\" is not a valid label name", label);
    }
  }
  if (name.starts_with("env.")) {
    const std::string_view env = name.substr(4);
    if (!IsEnvName(env)) return fmt::format("\"{}\" is not an environment variable name", env);
    return env_allowed(state, env)
               ? ""
               : fmt::format("env.{} is not in the catalogue's env_allow_list", env);
  }
  const auto& known = KnownContextPaths();
  if (std::find(known.begin(), known.end(), name) != known.end()) return "";
  // Sections may open a known object (incident, alert.labels, ...) or list.
  if (name == "alert.labels" || name == "alert.annotations") return "";
  return fmt::format("unknown template variable \"{}\"", name);
}

}  // namespace internal
}  // namespace vakt::runbook
