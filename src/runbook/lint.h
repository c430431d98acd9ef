#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "catalog/strict_yaml.h"
#include "runbook/runbook.h"

namespace vakt::runbook {

// LintContext is what the linter checks references against. Without a catalogue, pipeline and
// escalation-policy references are not checked and any env.NAME is accepted.
struct LintContext {
  const catalog::Catalog* catalog = nullptr;
  catalog::YamlLimits limits;
};

// Finding is one lint problem. `check` is a stable code for tooling (docs/runbook_schema.md
// "Lint checks"): schema, duplicate-step-id, unknown-pipeline, unknown-escalation-policy,
// template, approval-required, unsatisfiable-match, duplicate-runbook-id, second-default,
// incomplete-runbook, env-not-allowed.
struct Finding {
  std::string source;
  catalog::YamlPos pos;
  std::string check;
  std::string message;
  // ToString renders "source:line:column: message [check]".
  std::string ToString() const;
};

// LintRunbook runs the semantic checks on one schema-valid runbook.
std::vector<Finding> LintRunbook(const Runbook& runbook, const LintContext& context);

// LintReport is the outcome of linting files and directories.
struct LintReport {
  size_t files = 0;
  std::vector<Finding> findings;
  bool clean() const { return findings.empty(); }
};

// LintPaths loads every runbook file under `paths` (see RunbookFiles), reporting schema errors
// as findings, then runs LintRunbook on each valid runbook and the set-level checks (duplicate
// runbook ids, more than one default). NotFound when a path does not exist.
Result<LintReport> LintPaths(const std::vector<std::filesystem::path>& paths,
                             const LintContext& context);

// UnsatisfiableReason returns why no label set can satisfy all `selectors` together (e.g.
// a="x" and a="y"; a="x" and a!="x"; a="x" and a=~"y.*"), or "" when some label set might.
// Sound but incomplete: "" does not prove that a match exists.
std::string UnsatisfiableReason(const std::vector<Selector>& selectors);

}  // namespace vakt::runbook
