#include <fmt/format.h>

#include <filesystem>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "cli/api_client.h"
#include "cli/commands.h"
#include "common/json_parse.h"
#include "dispatch/runbook_matcher.h"
#include "runbook/lint.h"
#include "runbook/loader.h"

// `vakt runbook lint|test|show`: offline tools over runbook files (no server needed), so they run
// in CI and in editors' pre-commit hooks.
namespace vakt::cli {
namespace {

namespace fs = std::filesystem;

struct RunbookOptions {
  std::vector<std::string> paths;
  std::string catalog_path;
  bool no_catalog = false;
  std::string format = "text";
  std::string alert_path;
  std::string runbooks_dir = "examples/runbooks";
  std::string id;
  bool source = false;
};

// LoadCatalog returns the catalogue to lint against: --catalog, else examples/pipelines.yaml
// when it exists, else none. Sets exit code 2 (and returns false) when a catalogue is unusable.
bool LoadCatalog(const RunbookOptions& options, std::optional<catalog::Catalog>* out) {
  if (options.no_catalog) return true;
  std::string path = options.catalog_path;
  if (path.empty()) {
    if (!fs::exists("examples/pipelines.yaml")) return true;
    path = "examples/pipelines.yaml";
  }
  Result<catalog::Catalog> catalog = catalog::LoadCatalogFile(path);
  if (!catalog.ok()) {
    std::cerr << "vakt runbook: catalogue " << path << ":\n" << catalog.status().message() << "\n";
    return false;
  }
  *out = std::move(catalog).value();
  return true;
}

int Lint(const RunbookOptions& options) {
  std::optional<catalog::Catalog> catalog;
  if (!LoadCatalog(options, &catalog)) return kExitUsage;
  runbook::LintContext context;
  if (catalog) context.catalog = &*catalog;
  std::vector<fs::path> paths(options.paths.begin(), options.paths.end());
  Result<runbook::LintReport> report = runbook::LintPaths(paths, context);
  if (!report.ok()) {
    std::cerr << "vakt runbook lint: " << report.status().message() << "\n";
    return kExitUsage;
  }
  if (options.format == "json") {
    nlohmann::json findings = nlohmann::json::array();
    for (const runbook::Finding& finding : report->findings) {
      findings.push_back({{"file", finding.source},
                          {"line", finding.pos.line},
                          {"column", finding.pos.column},
                          {"check", finding.check},
                          {"message", finding.message}});
    }
    nlohmann::json out = {{"files", report->files},
                          {"clean", report->clean()},
                          {"catalog", catalog.has_value()},
                          {"findings", std::move(findings)}};
    std::cout << out.dump(2) << "\n";
  } else {
    for (const runbook::Finding& finding : report->findings) {
      std::cout << finding.ToString() << "\n";
    }
    std::cerr << fmt::format("{} file(s), {} problem(s){}\n", report->files,
                             report->findings.size(),
                             catalog ? "" : " (no catalogue: references not checked)");
  }
  return report->clean() ? kExitOk : kExitFailure;
}

// AlertLabels reads labels from an Alertmanager postableAlert ({"labels": {...}}), a list of
// them (the POST /api/v2/alerts body) or a webhook payload ({"alerts": [...]}).
Result<std::vector<LabelSet>> AlertLabels(const std::string& path) {
  VAKT_ASSIGN_OR_RETURN(std::string text, catalog::ReadFileCapped(path, 1 << 20));
  VAKT_ASSIGN_OR_RETURN(nlohmann::json json, ParseJsonStrict(text));
  std::vector<const nlohmann::json*> alerts;
  if (json.is_array()) {
    for (const auto& alert : json) alerts.push_back(&alert);
  } else if (json.is_object() && json.contains("alerts") && json["alerts"].is_array()) {
    for (const auto& alert : json["alerts"]) alerts.push_back(&alert);
  } else {
    alerts.push_back(&json);
  }
  std::vector<LabelSet> result;
  for (const nlohmann::json* alert : alerts) {
    if (!alert->is_object() || !alert->contains("labels") || !(*alert)["labels"].is_object()) {
      return Status::InvalidArgument(path + ": each alert needs a \"labels\" object");
    }
    LabelSet labels;
    for (const auto& [name, value] : (*alert)["labels"].items()) {
      if (!value.is_string()) {
        return Status::InvalidArgument(
            fmt::format("{}: label \"{}\" must be a string", path, name));
      }
      // Alertmanager drops empty label values: "" and absent are the same.
      if (!value.get<std::string>().empty()) labels[name] = value.get<std::string>();
    }
    result.push_back(std::move(labels));
  }
  if (result.empty()) return Status::InvalidArgument(path + ": no alerts");
  return result;
}

nlohmann::json ExplanationJson(const dispatch::Explanation& explanation, const LabelSet& labels) {
  nlohmann::json runbooks = nlohmann::json::array();
  for (const dispatch::RunbookVerdict& verdict : explanation.runbooks) {
    nlohmann::json selectors = nlohmann::json::array();
    for (const dispatch::SelectorVerdict& selector : verdict.selectors) {
      selectors.push_back({{"selector", selector.selector},
                           {"value", selector.value},
                           {"present", selector.present},
                           {"matched", selector.matched}});
    }
    runbooks.push_back({{"id", verdict.runbook->id()},
                        {"file", verdict.runbook->source_path},
                        {"matched", verdict.matched},
                        {"considered", verdict.considered},
                        {"selected", verdict.selected},
                        {"stopped_by", verdict.stopped_by},
                        {"selectors", std::move(selectors)}});
  }
  nlohmann::json selected = nlohmann::json::array();
  for (const auto* runbook : explanation.selected) selected.push_back(runbook->id());
  return {{"labels", labels},
          {"selected", std::move(selected)},
          {"used_default", explanation.used_default},
          {"runbooks", std::move(runbooks)}};
}

int Test(const RunbookOptions& options) {
  std::vector<fs::path> paths(options.paths.begin(), options.paths.end());
  Result<runbook::RunbookSet> set = runbook::LoadRunbookSet(paths);
  if (!set.ok()) {
    std::cerr << "vakt runbook test: runbooks are invalid (run `vakt runbook lint`):\n"
              << set.status().message() << "\n";
    return set.status().code() == StatusCode::kNotFound ? kExitUsage : kExitFailure;
  }
  Result<std::vector<LabelSet>> alerts = AlertLabels(options.alert_path);
  if (!alerts.ok()) {
    std::cerr << "vakt runbook test: " << alerts.status().message() << "\n";
    return kExitUsage;
  }
  const dispatch::RunbookMatcher matcher = dispatch::RunbookMatcher::Build(
      std::make_shared<const runbook::RunbookSet>(std::move(set).value()));
  bool all_selected = true;
  nlohmann::json out = nlohmann::json::array();
  for (size_t index = 0; index < alerts->size(); ++index) {
    const LabelSet& labels = (*alerts)[index];
    const dispatch::Explanation explanation = matcher.Explain(labels);
    all_selected &= !explanation.selected.empty();
    if (options.format == "json") {
      out.push_back(ExplanationJson(explanation, labels));
      continue;
    }
    std::string rendered;
    for (const auto& [name, value] : labels) {
      rendered += fmt::format("{}{}=\"{}\"", rendered.empty() ? "" : ", ", name, value);
    }
    if (index > 0) std::cout << "\n";
    std::cout << "alert {" << rendered << "}\n" << explanation.ToString();
  }
  if (options.format == "json") {
    std::cout << (out.size() == 1 ? out[0] : out).dump(2) << "\n";
  }
  return all_selected ? kExitOk : kExitFailure;
}

std::string StepLine(const runbook::Step& step) {
  std::string line = fmt::format("  - {} [{}{}{}] {}", step.id, runbook::ActionKindName(step.action),
                                 step.risk == runbook::Risk::kLow
                                     ? ""
                                     : fmt::format(", risk {}", runbook::RiskName(step.risk)),
                                 step.auto_run ? ", auto" : "", step.title);
  if (step.approval) {
    std::string roles;
    for (const auto& role : step.approval->roles) roles += (roles.empty() ? "" : "|") + role;
    line += fmt::format("  (approval: {} of {}{})", step.approval->count, roles,
                        step.approval->distinct_from_requester ? ", not the requester" : "");
  }
  return line + "\n";
}

int Show(const RunbookOptions& options) {
  Result<runbook::RunbookSet> set = runbook::LoadRunbookSet({fs::path(options.runbooks_dir)});
  if (!set.ok()) {
    std::cerr << "vakt runbook show: " << set.status().message() << "\n";
    return set.status().code() == StatusCode::kNotFound ? kExitUsage : kExitFailure;
  }
  const runbook::Runbook* rb = set->Find(options.id);
  if (rb == nullptr) {
    std::cerr << fmt::format("vakt runbook show: no runbook \"{}\" in {}\n", options.id,
                             options.runbooks_dir);
    return kExitFailure;
  }
  if (options.source) {
    std::cout << rb->source_text;
    return kExitOk;
  }
  std::string out;
  out += fmt::format("{} v{} — {}\n", rb->id(), rb->metadata.version, rb->metadata.title);
  out += fmt::format("file: {}\nsha256: {}\n", rb->source_path, rb->content_hash);
  if (!rb->metadata.owners.empty()) {
    out += "owners:";
    for (const auto& owner : rb->metadata.owners) out += " " + owner;
    out += "\n";
  }
  out += fmt::format("\n1. context: pipeline {}\n",
                     rb->context.pipeline.empty() ? "(none)" : rb->context.pipeline);
  for (const auto& impact : rb->context.business_impact) out += "  impact: " + impact + "\n";
  out += "\n2. detection:";
  if (rb->detection.is_default) out += " default (alerts no other runbook matches)";
  for (const auto& selector : rb->detection.match) out += " " + selector.ToString();
  if (rb->detection.continue_matching) out += " (continue)";
  out += fmt::format("\n  escalation: {}\n",
                     rb->detection.escalation.empty() ? "(none)" : rb->detection.escalation);
  out += "\n3. stabilise:\n";
  for (const auto& step : rb->stabilise) out += StepLine(step);
  out += "\n4. investigate:\n";
  if (rb->investigate.diagnose) {
    const auto& diagnose = *rb->investigate.diagnose;
    out += fmt::format("  diagnose:{}{}{}{}\n", diagnose.drift ? " drift" : "",
                       diagnose.regression ? " regression" : "",
                       diagnose.infrastructure ? " infrastructure" : "",
                       diagnose.deployments ? " deployments" : "");
  }
  for (const auto& step : rb->investigate.steps) out += StepLine(step);
  out += "\n5. resolve:\n  verify:\n";
  for (const auto& step : rb->resolve.verify) out += "  " + StepLine(step);
  out += "  close out:\n";
  for (const auto& step : rb->resolve.close_out) out += "  " + StepLine(step);
  std::cout << out;
  return kExitOk;
}

// History and Diff ask the server for the stored runbook versions (issue 9).
struct HistoryOptions {
  std::string server = DefaultServer();
  std::string token;
  std::string id;
  std::vector<int> versions;  // diff: none (latest vs previous) or FROM TO
  std::string format = "text";
};

std::optional<nlohmann::json> GetJson(const HistoryOptions& options, const std::string& path,
                                      int& exit_code) {
  auto client = ApiClient::Create(options.server, options.token);
  if (!client.ok()) {
    std::cerr << "vakt runbook: " << client.status().message() << "\n";
    exit_code = kExitUsage;
    return std::nullopt;
  }
  auto response = client->Get(path);
  if (!response.ok() || response->status >= 300) {
    std::cerr << "vakt runbook: "
              << (response.ok() ? ProblemText(*response) : response.status().message()) << "\n";
    exit_code = response.ok() && response->status == 404 ? kExitUsage : kExitFailure;
    return std::nullopt;
  }
  auto body = nlohmann::json::parse(response->body, nullptr, false);
  if (body.is_discarded()) {
    std::cerr << "vakt runbook: the server answered with invalid JSON\n";
    exit_code = kExitFailure;
    return std::nullopt;
  }
  return body;
}

int History(const HistoryOptions& options) {
  int exit_code = kExitOk;
  auto body = GetJson(options, "/api/v1/runbooks/" + options.id + "/versions", exit_code);
  if (!body) return exit_code;
  if (options.format == "json") {
    std::cout << body->dump(2) << "\n";
    return kExitOk;
  }
  std::cout << fmt::format("{:<8} {:<14} {:<9} {:<16} {:<10} {}\n", "VERSION", "HASH", "SOURCE",
                           "AUTHOR", "INCIDENT", "MESSAGE");
  for (const auto& version : (*body)["versions"]) {
    std::cout << fmt::format("{:<8} {:<14} {:<9} {:<16} {:<10} {}\n", version["version"].get<int>(),
                             version["content_hash"].get<std::string>().substr(0, 12),
                             version["source"].get<std::string>(),
                             version["author"].get<std::string>(),
                             version["incident"].is_string() ? version["incident"].get<std::string>() : "-",
                             version["message"].get<std::string>());
  }
  return kExitOk;
}

int Diff(const HistoryOptions& options) {
  if (options.versions.size() == 1) {
    std::cerr << "vakt runbook diff: give no versions (latest against the previous) or two\n";
    return kExitUsage;
  }
  std::string path = "/api/v1/runbooks/" + options.id + "/diff";
  if (options.versions.size() == 2) {
    path += fmt::format("?from={}&to={}", options.versions[0], options.versions[1]);
  }
  int exit_code = kExitOk;
  auto body = GetJson(options, path, exit_code);
  if (!body) return exit_code;
  std::cout << (*body)["diff"].get<std::string>();
  return kExitOk;
}

}  // namespace

void AddRunbookCommands(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<RunbookOptions>();
  auto* runbook = app.add_subcommand("runbook", "Lint, test and show runbooks");
  runbook->require_subcommand(1);

  auto* lint = runbook->add_subcommand(
      "lint", "Check runbook files: schema plus semantic checks (exit 0 clean, 1 problems)");
  lint->add_option("paths", options->paths, "Runbook files or directories")->required();
  lint->add_option("--catalog", options->catalog_path,
                   "Pipeline catalogue to check references against "
                   "(default: examples/pipelines.yaml when present)");
  lint->add_flag("--no-catalog", options->no_catalog, "Do not check catalogue references");
  lint->add_option("--format", options->format, "Output format")
      ->check(CLI::IsMember({"text", "json"}));
  lint->callback([options, &exit_code] { exit_code = Lint(*options); });

  auto* test = runbook->add_subcommand(
      "test", "Show which runbook an alert selects and why (each selector matched or not)");
  test->add_option("runbooks", options->paths, "Runbook files or directories")->required();
  test->add_option("--alert", options->alert_path,
                   "Alert JSON: Alertmanager postableAlert, a list of them, or {\"labels\":{...}}")
      ->required();
  test->add_option("--format", options->format, "Output format")
      ->check(CLI::IsMember({"text", "json"}));
  test->callback([options, &exit_code] { exit_code = Test(*options); });

  auto* show = runbook->add_subcommand("show", "Show one runbook's five sections");
  show->add_option("id", options->id, "Runbook id")->required();
  show->add_option("--runbooks", options->runbooks_dir, "Runbook directory")
      ->capture_default_str();
  show->add_flag("--source", options->source, "Print the YAML source instead");
  show->callback([options, &exit_code] { exit_code = Show(*options); });

  auto history_options = std::make_shared<HistoryOptions>();
  auto* history = runbook->add_subcommand("history", "List a runbook's recorded versions (server)");
  history->add_option("id", history_options->id, "Runbook id")->required();
  history->add_option("--format", history_options->format, "Output format")
      ->check(CLI::IsMember({"text", "json"}));
  auto* diff = runbook->add_subcommand(
      "diff", "Unified diff between two recorded versions (default: latest against previous)");
  diff->add_option("id", history_options->id, "Runbook id")->required();
  diff->add_option("versions", history_options->versions, "FROM TO version numbers")
      ->expected(0, 2);
  for (auto* command : {history, diff}) {
    command->add_option("--server", history_options->server, "vakt server URL ($VAKT_SERVER)");
    command->add_option("--token", history_options->token, "API token ($VAKT_TOKEN)");
  }
  history->callback([history_options, &exit_code] { exit_code = History(*history_options); });
  diff->callback([history_options, &exit_code] { exit_code = Diff(*history_options); });
}

}  // namespace vakt::cli
