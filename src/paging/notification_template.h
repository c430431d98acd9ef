#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"
#include "template/template.h"

namespace vakt::paging {

// kTemplateChannels are the channels a template may be specific to: <moment>.<channel>.mustache.
inline constexpr const char* kTemplateChannels[] = {"email", "slack", "webhook"};

// CheckTemplateSource checks one notification template before vakt uses it, so a mistake shows up
// when the file is loaded, naming it, instead of as a page in built-in text or a notice that fails
// when a responder sends it. The source must parse (no syntax error, no partial), start with a
// "Subject:" line, and every variable or section named outside any section must be one of `known`
// (the moment's context keys; a dotted name counts by its first part). A top-level section on an
// unknown name is always false, so it is a typo, not a test. Names inside a section may resolve
// against the section's value and are not checked. InvalidArgument naming `path`.
Status CheckTemplateSource(std::string_view source, const std::vector<std::string>& known,
                           const std::string& path);

// RenderSubjectAndBody renders a notification template: its first line "Subject: …" and the rest
// are rendered separately, so a line break in a value (an alert title) stays in the subject, as a
// space, instead of ending it and moving the remainder into the body; the subject never holds CR
// or LF (it becomes a mail header). Blank lines after the subject line are dropped. Returns
// {subject, body}; InvalidArgument without a "Subject:" first line or on a render error.
Result<std::pair<std::string, std::string>> RenderSubjectAndBody(
    std::string_view source, const nlohmann::json& context,
    const templating::RenderOptions& options = {});

// PageContextKeys and NoticeContextKeys are the names the page and notice contexts provide.
const std::vector<std::string>& PageContextKeys();
const std::vector<std::string>& NoticeContextKeys();

// CheckTemplateDirectory checks every template file vakt reads from `templates_dir` (page and the
// notices, generic and per channel) with CheckTemplateSource. Absent files are fine (built-in page
// text; a notice is NotFound when sent); "" checks nothing. The first error, naming its file.
Status CheckTemplateDirectory(const std::string& templates_dir);

}  // namespace vakt::paging
