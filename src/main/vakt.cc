// vakt's entry point: everything, including `vakt serve`, is a subcommand of the CLI.
#include "cli/cli.h"

int main(int argc, char** argv) { return vakt::cli::RunCli(argc, argv); }
