#include "stabilise/step_renderer.h"

#include "action/dry_run.h"
#include "common/crypto.h"
#include "template/structured_render.h"
#include "template/template.h"

namespace vakt::stabilise {
namespace {

Result<std::string> Render(const std::string& source, const nlohmann::json& context,
                           const std::string& field) {
  auto rendered = templating::RenderTemplate(source, context);
  if (!rendered.ok()) return rendered.status().WithContext(field);
  return rendered;
}

Result<std::vector<std::string>> RenderList(const std::vector<std::string>& items,
                                            const nlohmann::json& context,
                                            const std::string& field) {
  auto rendered = templating::RenderArgv(items, context);
  if (!rendered.ok()) return rendered.status().WithContext(field);
  return rendered;
}

Status RenderHttp(const runbook::Step& step, const runbook::HttpAction& http,
                  const nlohmann::json& context, RenderedStep& out) {
  action::HttpAction rendered;
  rendered.method = http.method;
  VAKT_ASSIGN_OR_RETURN(rendered.url, Render(http.url, context, "http.url"));
  bool has_content_type = false;
  for (const auto& [name, value] : http.headers) {
    VAKT_ASSIGN_OR_RETURN(std::string header, Render(value, context, "http.headers." + name));
    has_content_type = has_content_type || name == "Content-Type" || name == "content-type";
    rendered.headers.emplace_back(name, std::move(header));
  }
  if (http.json) {
    auto body = templating::RenderJsonTemplate(*http.json, context);
    if (!body.ok()) return body.status().WithContext("http.json");
    rendered.body = body->dump();
    if (!has_content_type) rendered.headers.emplace_back("Content-Type", "application/json");
  } else if (!http.body.empty()) {
    VAKT_ASSIGN_OR_RETURN(rendered.body, Render(http.body, context, "http.body"));
  }
  rendered.timeout_ms = step.timeout_ms > 0 ? step.timeout_ms : http.timeout_ms;
  out.executable = rendered;
  return Status::Ok();
}

Status RenderCommand(const runbook::Step& step, const runbook::CommandAction& command,
                     const nlohmann::json& context,
                     const std::map<std::string, std::string>& env_values, RenderedStep& out) {
  action::CommandAction rendered;
  VAKT_ASSIGN_OR_RETURN(rendered.argv, RenderList(command.argv, context, "command.argv"));
  for (const std::string& name : command.env) {
    auto found = env_values.find(name);
    if (found != env_values.end()) rendered.env[name] = found->second;
  }
  rendered.working_dir = command.cwd;
  rendered.timeout_ms = step.timeout_ms > 0 ? step.timeout_ms : command.timeout_ms;
  out.executable = rendered;
  return Status::Ok();
}

Status RenderCapture(const runbook::CaptureAction& capture, const nlohmann::json& context,
                     RenderedStep& out) {
  nlohmann::json sources = nlohmann::json::array();
  int index = 0;
  for (const runbook::CaptureSource& source : capture.sources) {
    RenderedCapture rendered;
    rendered.kind = source.kind;
    const std::string field = "capture[" + std::to_string(index++) + "]";
    nlohmann::json item;
    switch (source.kind) {
      case runbook::CaptureSource::Kind::kPrometheus: {
        VAKT_ASSIGN_OR_RETURN(rendered.query, Render(source.query, context, field + ".prometheus"));
        rendered.range_ms = source.range_ms;
        item = {{"kind", "prometheus"}, {"query", rendered.query}, {"range_ms", source.range_ms}};
        break;
      }
      case runbook::CaptureSource::Kind::kHttp: {
        VAKT_ASSIGN_OR_RETURN(rendered.url, Render(source.url, context, field + ".http"));
        item = {{"kind", "http"}, {"method", "GET"}, {"url", rendered.url}};
        break;
      }
      case runbook::CaptureSource::Kind::kCommand: {
        VAKT_ASSIGN_OR_RETURN(rendered.argv, RenderList(source.argv, context, field + ".command"));
        item = {{"kind", "command"}, {"argv", rendered.argv}};
        break;
      }
    }
    rendered.name = source.name.empty() ? std::string(item["kind"]) + "-" + std::to_string(index - 1)
                                        : source.name;
    item["name"] = rendered.name;
    sources.push_back(std::move(item));
    out.captures.push_back(std::move(rendered));
  }
  out.preview = {{"kind", "capture"}, {"sources", sources}};
  return Status::Ok();
}

}  // namespace

Result<RenderedStep> RenderStep(const runbook::Step& step, const nlohmann::json& context,
                                const std::map<std::string, std::string>& env_values) {
  RenderedStep out;
  out.kind = runbook::ActionKindName(step.action);
  const runbook::Action& action = step.action;
  if (const auto* http = std::get_if<runbook::HttpAction>(&action)) {
    VAKT_RETURN_IF_ERROR(RenderHttp(step, *http, context, out));
  } else if (const auto* command = std::get_if<runbook::CommandAction>(&action)) {
    VAKT_RETURN_IF_ERROR(RenderCommand(step, *command, context, env_values, out));
  } else if (const auto* capture = std::get_if<runbook::CaptureAction>(&action)) {
    VAKT_RETURN_IF_ERROR(RenderCapture(*capture, context, out));
  } else if (const auto* manual = std::get_if<runbook::ManualAction>(&action)) {
    VAKT_ASSIGN_OR_RETURN(out.text, Render(manual->instructions, context, "manual.instructions"));
    out.preview = {{"kind", "manual"}, {"instructions", out.text}};
  } else if (const auto* notify = std::get_if<runbook::NotifyAction>(&action)) {
    out.recipients = notify->to;
    out.text = notify->template_name;
    out.preview = {{"kind", "notify"}, {"template", notify->template_name}, {"to", notify->to}};
  } else if (const auto* check = std::get_if<runbook::CheckAction>(&action)) {
    VAKT_ASSIGN_OR_RETURN(out.check.prometheus, Render(check->prometheus, context, "check.prometheus"));
    VAKT_ASSIGN_OR_RETURN(out.check.http_url, Render(check->http_url, context, "check.http"));
    out.check.condition = check->condition;
    out.check.for_ms = check->for_ms;
    out.check.timeout_ms = step.timeout_ms > 0 ? step.timeout_ms : check->timeout_ms;
    out.check.interval_ms = check->interval_ms;
    out.preview = {{"kind", "check"},
                   {"prometheus", out.check.prometheus},
                   {"http", out.check.http_url},
                   {"condition", out.check.condition},
                   {"for_ms", out.check.for_ms},
                   {"timeout_ms", out.check.timeout_ms},
                   {"interval_ms", out.check.interval_ms}};
  } else if (const auto* wait = std::get_if<runbook::WaitAction>(&action)) {
    out.wait_ms = wait->duration_ms;
    out.preview = {{"kind", "wait"}, {"duration_ms", wait->duration_ms}};
  } else {
    out.preview = {{"kind", "diagnose"}};
  }
  if (out.executable) {
    // DescribeAction redacts secrets for display; the hash is over the unredacted action.
    out.preview = action::DescribeAction(*out.executable);
    out.content_hash = action::ActionContentHash(*out.executable);
  } else {
    out.content_hash = Sha256Hex(out.preview.dump());
    out.preview["content_hash"] = out.content_hash;
  }
  return out;
}

}  // namespace vakt::stabilise
