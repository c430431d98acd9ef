#include "cli/cli.h"

#include <iostream>

#include "cli/commands.h"

namespace vakt::cli {

int RunCli(int argc, char** argv) {
  CLI::App app{"vakt — the control plane that keeps humans in control when AI pipelines misbehave"};
  app.require_subcommand(1);
  app.set_help_all_flag("--help-all", "Show help for every subcommand");
  int exit_code = kExitOk;
  AddVersionCommand(app, exit_code);
  AddRunbookCommands(app, exit_code);
  AddServeCommand(app, exit_code);
  AddAlertsCommands(app, exit_code);
  AddIncidentCommands(app, exit_code);
  AddStepCommands(app, exit_code);
  AddAuditCommands(app, exit_code);
  AddBundleCommands(app, exit_code);
  AddOncallCommands(app, exit_code);
  AddDiagnoseCommands(app, exit_code);
  AddRetroCommands(app, exit_code);
  AddProposalCommands(app, exit_code);
  AddDrillCommands(app, exit_code);
  AddReportCommands(app, exit_code);
  AddNotifyCommands(app, exit_code);
  AddEvidenceCommands(app, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& help) {
    return app.exit(help);
  } catch (const CLI::CallForAllHelp& help) {
    return app.exit(help);
  } catch (const CLI::ParseError& error) {
    app.exit(error);
    return kExitUsage;
  }
  return exit_code;
}

}  // namespace vakt::cli
