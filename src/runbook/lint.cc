#include "runbook/lint.h"

#include <fmt/format.h>

#include <map>
#include <set>

#include "runbook/loader.h"
#include "runbook/runbook_set.h"
#include "runbook/template_scanner.h"

namespace vakt::runbook {
namespace {

class Linter {
 public:
  Linter(const Runbook& runbook, const LintContext& context)
      : runbook_(runbook), context_(context) {}

  std::vector<Finding> Run() {
    CheckReferences();
    CheckSteps();
    CheckTemplates();
    CheckMatch();
    CheckComplete();
    return std::move(findings_);
  }

 private:
  void Add(catalog::YamlPos pos, std::string check, std::string message) {
    findings_.push_back({runbook_.source_path, pos, std::move(check), std::move(message)});
  }

  void CheckReferences() {
    const catalog::Catalog* catalog = context_.catalog;
    if (catalog == nullptr) return;
    const Context& ctx = runbook_.context;
    if (!ctx.pipeline.empty() && catalog->FindPipeline(ctx.pipeline) == nullptr) {
      Add(ctx.pipeline_pos, "unknown-pipeline",
          fmt::format("pipeline \"{}\" is not in the catalogue", ctx.pipeline));
    }
    const Detection& detection = runbook_.detection;
    if (!detection.escalation.empty() && !catalog->HasEscalationPolicy(detection.escalation)) {
      Add(detection.escalation_pos, "unknown-escalation-policy",
          fmt::format("escalation policy \"{}\" is not in the catalogue", detection.escalation));
    }
  }

  void CheckSteps() {
    std::map<std::string, catalog::YamlPos, std::less<>> seen;
    for (const Step* step : runbook_.AllSteps()) {
      if (auto [it, inserted] = seen.emplace(step->id, step->pos); !inserted) {
        Add(step->pos, "duplicate-step-id",
            fmt::format("duplicate step id \"{}\" (first at {}:{})", step->id, it->second.line,
                        it->second.column));
      }
      if ((step->risk == Risk::kHigh || step->risk == Risk::kCritical) && !step->approval) {
        Add(step->pos, "approval-required",
            fmt::format("step \"{}\" is {} risk but has no approval", step->id,
                        RiskName(step->risk)));
      }
      if (step->approval) CheckApprovalRoles(*step);
      if (const auto* command = std::get_if<CommandAction>(&step->action)) {
        for (const std::string& name : command->env) {
          if (context_.catalog != nullptr && !context_.catalog->EnvAllowed(name)) {
            Add(step->pos, "env-not-allowed",
                fmt::format("step \"{}\" passes env {} which is not in the catalogue's "
                            "env_allow_list",
                            step->id, name));
          }
        }
      }
    }
  }

  // CheckApprovalRoles: approvers are vakt principals, whose roles are the built-in four, and
  // a principal holds its role and every role below it (the API matches the step's list against
  // all of them), so an approver token satisfies a list naming any built-in role. A step whose
  // approval lists only other names could never be approved and would block the incident;
  // extra names next to a built-in role are allowed (they document intent).
  void CheckApprovalRoles(const Step& step) {
    static constexpr std::string_view kVaktRoles[] = {"viewer", "responder", "approver", "admin"};
    for (const std::string& role : step.approval->roles) {
      for (std::string_view known : kVaktRoles) {
        if (role == known) return;
      }
    }
    Add(step.pos, "approval-unreachable",
        fmt::format("step \"{}\" can never be approved: none of its approval roles is a vakt "
                    "role (viewer, responder, approver, admin) held by an approving token",
                    step.id));
  }

  void CheckTemplates() {
    const catalog::Catalog* catalog = context_.catalog;
    auto env_allowed = [catalog](std::string_view name) {
      return catalog == nullptr || catalog->EnvAllowed(name);
    };
    for (const TemplateField& field : runbook_.templates) {
      Result<std::vector<TemplateTag>> tags = ScanTemplate(field.text);
      if (!tags.ok()) {
        Add(field.pos, "template", fmt::format("template: {}", tags.status().message()));
        continue;
      }
      for (const TemplateTag& tag : *tags) {
        using Kind = TemplateTag::Kind;
        if (tag.kind == Kind::kPartial || tag.kind == Kind::kDelimiter) {
          Add(field.pos, "template",
              "template partials and delimiter changes are not allowed in runbooks");
          continue;
        }
        if (tag.kind == Kind::kComment || tag.kind == Kind::kClose) continue;
        // Inside a section a bare name may be relative to the section's item; check only names
        // rooted in the documented context.
        const bool rooted = tag.name.find('.') != std::string::npos && tag.name != ".";
        if (tag.section_depth > 0 && !rooted) continue;
        if (std::string problem = TemplateVariableProblem(tag.name, env_allowed);
            !problem.empty()) {
          Add(field.pos, "template", fmt::format("{{{{{}}}}}: {}", tag.name, problem));
        }
      }
    }
  }

  void CheckMatch() {
    if (std::string reason = UnsatisfiableReason(runbook_.detection.match); !reason.empty()) {
      Add(runbook_.detection.pos, "unsatisfiable-match",
          fmt::format("no alert can match this runbook: {}", reason));
    }
  }

  void CheckComplete() {
    if (runbook_.detection.is_default) return;  // triage may be generic
    std::vector<std::string> missing;
    if (runbook_.context.pipeline.empty()) missing.emplace_back("context.pipeline");
    if (runbook_.stabilise.empty()) missing.emplace_back("stabilise");
    if (!runbook_.investigate.diagnose && runbook_.investigate.steps.empty()) {
      missing.emplace_back("investigate");
    }
    if (runbook_.resolve.verify.empty()) missing.emplace_back("resolve.verify");
    if (!missing.empty()) {
      std::string list;
      for (const auto& section : missing) list += (list.empty() ? "" : ", ") + section;
      Add({1, 1}, "incomplete-runbook",
          fmt::format("runbook lacks part of the five-section anatomy: {}", list));
    }
  }

  const Runbook& runbook_;
  const LintContext& context_;
  std::vector<Finding> findings_;
};

}  // namespace

std::string Finding::ToString() const {
  return fmt::format("{}:{}:{}: {} [{}]", source, pos.line, pos.column, message, check);
}

std::string UnsatisfiableReason(const std::vector<Selector>& selectors) {
  std::map<std::string_view, std::vector<const Selector*>> by_label;
  for (const Selector& selector : selectors) by_label[selector.label()].push_back(&selector);
  for (const auto& [label, group] : by_label) {
    const Selector* equal = nullptr;
    for (const Selector* selector : group) {
      if (selector->op() != Selector::Op::kEqual) continue;
      if (equal != nullptr && equal->value() != selector->value()) {
        return fmt::format("{} and {}", equal->ToString(), selector->ToString());
      }
      equal = selector;
    }
    // With one required value, every other selector on the label must accept exactly it.
    if (equal != nullptr) {
      for (const Selector* selector : group) {
        if (!selector->MatchesValue(equal->value())) {
          return fmt::format("{} and {}", equal->ToString(), selector->ToString());
        }
      }
      continue;
    }
    // Several literal alternations with no value in common (a=~"x|y" and a=~"z").
    std::set<std::string> common;
    bool first = true;
    for (const Selector* selector : group) {
      if (selector->op() != Selector::Op::kRegex || selector->literal_alternatives().empty()) {
        continue;
      }
      std::set<std::string> values;
      for (const std::string& value : selector->literal_alternatives()) {
        bool all = true;
        for (const Selector* other : group) all &= other->MatchesValue(value);
        if (all) values.insert(value);
      }
      if (first) {
        common = std::move(values);
        first = false;
      } else {
        std::set<std::string> both;
        for (const auto& value : values) {
          if (common.count(value)) both.insert(value);
        }
        common = std::move(both);
      }
      if (common.empty()) {
        return fmt::format("no value of label \"{}\" satisfies all of its selectors", label);
      }
    }
  }
  return "";
}

std::vector<Finding> LintRunbook(const Runbook& runbook, const LintContext& context) {
  return Linter(runbook, context).Run();
}

Result<LintReport> LintPaths(const std::vector<std::filesystem::path>& paths,
                             const LintContext& context) {
  VAKT_ASSIGN_OR_RETURN(std::vector<std::filesystem::path> files, RunbookFiles(paths));
  LintReport report;
  report.files = files.size();
  std::vector<Runbook> valid;
  for (const auto& file : files) {
    Result<std::string> text = catalog::ReadFileCapped(file, context.limits.max_bytes);
    if (!text.ok()) {
      report.findings.push_back({file.string(), {1, 1}, "schema", text.status().message()});
      continue;
    }
    catalog::Diagnostics diags(file.string());
    Runbook runbook;
    if (!ParseRunbook(*text, context.limits, diags, &runbook)) {
      for (const auto& item : diags.items()) {
        report.findings.push_back({item.source, item.pos, "schema", item.message});
      }
      continue;
    }
    for (Finding& finding : LintRunbook(runbook, context)) {
      report.findings.push_back(std::move(finding));
    }
    valid.push_back(std::move(runbook));
  }
  // Set-level checks over the valid runbooks.
  std::map<std::string, std::string, std::less<>> ids;
  std::string default_id;
  for (const Runbook& runbook : valid) {
    if (auto [it, inserted] = ids.emplace(runbook.id(), runbook.source_path); !inserted) {
      report.findings.push_back({runbook.source_path, {1, 1}, "duplicate-runbook-id",
                                 fmt::format("duplicate runbook id \"{}\" (also in {})",
                                             runbook.id(), it->second)});
    }
    if (runbook.detection.is_default) {
      if (!default_id.empty()) {
        report.findings.push_back({runbook.source_path, runbook.detection.pos, "second-default",
                                   fmt::format("second default runbook (\"{}\" is already the "
                                               "default)",
                                               default_id)});
      } else {
        default_id = runbook.id();
      }
    }
  }
  return report;
}

}  // namespace vakt::runbook
