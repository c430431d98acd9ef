#include "paging/notification_template.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "paging/page_messages.h"
#include "paging/stakeholder_notice.h"
#include "template/template.h"

namespace vakt::paging {
namespace {

std::vector<std::string> KeysOf(const nlohmann::json& context) {
  std::vector<std::string> keys;
  for (const auto& item : context.items()) keys.push_back(item.key());
  return keys;
}

}  // namespace

Status CheckTemplateSource(std::string_view source, const std::vector<std::string>& known,
                           const std::string& path) {
  auto parsed = templating::Template::Parse(source);
  if (!parsed.ok()) return parsed.status().WithContext("template file " + path);
  if (source.rfind("Subject:", 0) != 0) {
    return Status::InvalidArgument("template file " + path +
                                   ": the first line must be \"Subject: …\"");
  }
  // The subject line is rendered on its own (RenderSubjectAndBody): a section may not span it.
  if (!templating::Template::Parse(source.substr(0, source.find('\n'))).ok()) {
    return Status::InvalidArgument("template file " + path +
                                   ": the Subject line must be complete on its own (a section "
                                   "opened there must close there)");
  }
  for (const templating::TemplateTag& tag : parsed->tags()) {
    if (!tag.sections.empty() || tag.name == ".") continue;
    const std::string head = tag.name.substr(0, tag.name.find('.'));
    if (std::find(known.begin(), known.end(), head) != known.end()) continue;
    const bool section = tag.kind == templating::TagKind::kSection ||
                         tag.kind == templating::TagKind::kInvertedSection;
    return Status::InvalidArgument("template file " + path + ": unknown " +
                                   (section ? "section" : "variable") + " \"" + tag.name +
                                   "\" at offset " + std::to_string(tag.name_offset));
  }
  return Status::Ok();
}

Result<std::pair<std::string, std::string>> RenderSubjectAndBody(
    std::string_view source, const nlohmann::json& context,
    const templating::RenderOptions& options) {
  constexpr std::string_view kSubject = "Subject:";
  if (source.rfind(kSubject, 0) != 0) {
    return Status::InvalidArgument("template must start with a \"Subject: \" line");
  }
  const size_t newline = source.find('\n');
  std::string_view subject_source = source.substr(kSubject.size(), newline - kSubject.size());
  if (!subject_source.empty() && subject_source.back() == '\r') subject_source.remove_suffix(1);
  const std::string_view body_source =
      newline == std::string_view::npos ? std::string_view() : source.substr(newline + 1);
  VAKT_ASSIGN_OR_RETURN(std::string subject,
                        templating::RenderTemplate(subject_source, context, options));
  VAKT_ASSIGN_OR_RETURN(std::string body,
                        templating::RenderTemplate(body_source, context, options));
  std::replace_if(
      subject.begin(), subject.end(), [](char c) { return c == '\r' || c == '\n'; }, ' ');
  // Leading spaces of the subject and blank lines before the body are layout, not content.
  subject.erase(0, std::min(subject.find_first_not_of(' '), subject.size()));
  body.erase(0, std::min(body.find_first_not_of('\n'), body.size()));
  return std::make_pair(std::move(subject), std::move(body));
}

const std::vector<std::string>& PageContextKeys() {
  static const std::vector<std::string> kKeys =
      KeysOf(PageContext(escalation::PageIntent{}, oncall::User{}, PagedIncident{}));
  return kKeys;
}

const std::vector<std::string>& NoticeContextKeys() {
  static const std::vector<std::string> kKeys = KeysOf(NoticeContext(Incident{}));
  return kKeys;
}

Status CheckTemplateDirectory(const std::string& templates_dir) {
  if (templates_dir.empty()) return Status::Ok();
  std::vector<std::pair<std::string, const std::vector<std::string>*>> moments = {
      {"page", &PageContextKeys()}};
  for (const std::string& notice : kNoticeTemplates)
    moments.push_back({notice, &NoticeContextKeys()});
  const std::filesystem::path dir(templates_dir);
  for (const auto& [moment, keys] : moments) {
    std::vector<std::string> names = {moment + ".mustache"};
    for (const char* channel : kTemplateChannels) {
      names.push_back(moment + "." + channel + ".mustache");
    }
    for (const std::string& name : names) {
      const std::filesystem::path path = dir / name;
      std::error_code error;
      if (!std::filesystem::is_regular_file(path, error)) continue;
      std::ifstream file(path);
      if (!file) return Status::NotFound("template file " + path.string() + " is not readable");
      std::stringstream buffer;
      buffer << file.rdbuf();
      VAKT_RETURN_IF_ERROR(CheckTemplateSource(buffer.str(), *keys, path.string()));
    }
  }
  return Status::Ok();
}

}  // namespace vakt::paging
