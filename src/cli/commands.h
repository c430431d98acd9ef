#pragma once

#include <CLI/CLI.hpp>

namespace vakt::cli {

// Exit codes shared by every subcommand.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;  // the command ran and the answer is "no" (invalid, failed)
inline constexpr int kExitUsage = 2;    // bad flags or unreadable input

// Each Add*Commands registers one subsystem's subcommands on the root app. A subcommand's callback
// stores its exit code in `exit_code`. One line per subsystem file (src/cli/<subsystem>_commands.cc).
void AddVersionCommand(CLI::App& app, int& exit_code);
void AddRunbookCommands(CLI::App& app, int& exit_code);
void AddServeCommand(CLI::App& app, int& exit_code);
void AddAlertsCommands(CLI::App& app, int& exit_code);
void AddIncidentCommands(CLI::App& app, int& exit_code);
void AddStepCommands(CLI::App& app, int& exit_code);
void AddAuditCommands(CLI::App& app, int& exit_code);
// `vakt incident export` (added to the incident command) and `vakt bundle verify`.
void AddBundleCommands(CLI::App& app, int& exit_code);
void AddOncallCommands(CLI::App& app, int& exit_code);
void AddDiagnoseCommands(CLI::App& app, int& exit_code);
void AddRetroCommands(CLI::App& app, int& exit_code);
void AddProposalCommands(CLI::App& app, int& exit_code);
void AddDrillCommands(CLI::App& app, int& exit_code);
void AddReportCommands(CLI::App& app, int& exit_code);
void AddNotifyCommands(CLI::App& app, int& exit_code);
// `vakt evidence retention|hold|release|sweep` (issue 7).
void AddEvidenceCommands(CLI::App& app, int& exit_code);

}  // namespace vakt::cli
