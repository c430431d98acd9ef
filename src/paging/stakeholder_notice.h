#pragma once

#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "model/incident.h"
#include "paging/delivery_route.h"
#include "storage/database.h"

namespace vakt::paging {

// NoticeRequest is a responder's "notify stakeholders with template T": recipients are
// "email:addr", "slack:https://hooks…" or "webhook:https://…".
struct NoticeRequest {
  std::string template_name;  // a file <name>.mustache in the templates directory
  std::vector<std::string> to;
  std::string actor;
  TimeMs group_interval_ms = 0;  // the incident runbook's detection.group_interval
};

// NoticeResult lists what was enqueued, and whether the group_interval throttle held it back.
struct NoticeResult {
  std::vector<std::string> keys;  // outbox idempotency keys enqueued
  bool throttled = false;
  TimeMs next_allowed_at = 0;  // when throttled
  std::string subject;
};

// kNoticeTemplates are the agreed templates stakeholders receive (examples/templates/).
extern const std::vector<std::string> kNoticeTemplates;

// NoticeContext is the template context for `incident`: id, reference, title, severity, state,
// runbook, times (RFC 3339), drill and the context snapshot. Pure.
nlohmann::json NoticeContext(const Incident& incident);

// RenderNotice renders `source` (a Mustache template whose first line is "Subject: …") for
// `incident`; a name that does not resolve (e.g. a context snapshot field this incident lacks)
// renders as empty text. Returns {subject, body}; InvalidArgument for a template error or a
// missing first line.
Result<std::pair<std::string, std::string>> RenderNotice(std::string_view source,
                                                         const Incident& incident);

// LoadNoticeTemplate reads the template for one moment and channel: `<name>.<channel>.mustache`
// (e.g. update.slack.mustache, written in Slack mrkdwn) when `channel` is given and that file
// exists, else `<name>.mustache`. InvalidArgument naming "template" unless `name` is one of
// kNoticeTemplates; NotFound when the file is unreadable; InvalidArgument naming the file when it
// fails CheckTemplateSource (syntax error, no "Subject:" line, unknown top-level name).
Result<std::string> LoadNoticeTemplate(const std::string& templates_dir, const std::string& name,
                                       const std::string& channel = "");

// EnqueueNotice renders the template from `templates_dir` (per recipient channel, see
// LoadNoticeTemplate) and enqueues one outbox message per recipient, with one audit record per
// message and one "incident.notify" record, in one transaction. "update" notices are throttled by
// request.group_interval_ms: a second update for the same incident within the interval enqueues
// nothing and returns throttled. The other templates are sent once per incident and recipient (a
// repeat is a no-op, not an error). InvalidArgument naming the field for an unknown template or a
// bad recipient.
Result<NoticeResult> EnqueueNotice(storage::Database& database, const std::string& templates_dir,
                                   const Incident& incident, const NoticeRequest& request,
                                   const DeliveryRoute& route, TimeMs now);

}  // namespace vakt::paging
