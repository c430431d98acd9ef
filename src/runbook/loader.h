#pragma once

#include <filesystem>
#include <string_view>
#include <vector>

#include "catalog/strict_yaml.h"
#include "common/status.h"
#include "runbook/runbook.h"
#include "runbook/runbook_set.h"

namespace vakt::runbook {

// ParseRunbook parses one runbook strictly (catalog/strict_yaml.h rules plus the v1 schema:
// unknown keys, wrong types, missing required keys, ambiguous scalars, invalid selectors and
// durations are errors). `source` names the file in messages. On success the Runbook keeps the
// text and its SHA-256. On error returns InvalidArgument with one "source:line:col: message" per
// line. Schema only: semantic checks (references, duplicate step ids, approvals) are lint.h's.
Result<Runbook> ParseRunbook(std::string_view text, std::string_view source,
                             const catalog::YamlLimits& limits = {});

// ParseRunbook variant that reports into `diags` (for lint, which wants positions); returns
// false on any problem.
bool ParseRunbook(std::string_view text, const catalog::YamlLimits& limits,
                  catalog::Diagnostics& diags, Runbook* out);

// LoadRunbookFile reads (size-capped) and parses one file; NotFound when unreadable.
Result<Runbook> LoadRunbookFile(const std::filesystem::path& path,
                                const catalog::YamlLimits& limits = {});

// RunbookFiles lists the *.yaml / *.yml files under each path (a file is taken as is, a
// directory recursively), sorted, without duplicates. NotFound for a path that does not exist.
Result<std::vector<std::filesystem::path>> RunbookFiles(
    const std::vector<std::filesystem::path>& paths);

// LoadRunbookSet builds a complete new RunbookSet from files and directories: every file is
// parsed, and if any is invalid (or ids collide, or two runbooks claim default) the result is one
// InvalidArgument listing every problem of every file, so the caller keeps serving its old set
// (build new, then swap).
Result<RunbookSet> LoadRunbookSet(const std::vector<std::filesystem::path>& paths,
                                  const catalog::YamlLimits& limits = {});

}  // namespace vakt::runbook
