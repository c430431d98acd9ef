#pragma once

namespace vakt::cli {

// RunCli parses argv, runs the chosen subcommand and returns the process exit code
// (0 ok, 1 the command's answer is negative, 2 usage error).
int RunCli(int argc, char** argv);

}  // namespace vakt::cli
