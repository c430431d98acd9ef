#include <iostream>

#include "cli/commands.h"

namespace vakt::cli {

void AddVersionCommand(CLI::App& app, int& exit_code) {
  auto* version = app.add_subcommand("version", "Print the vakt version");
  version->callback([&exit_code] {
    std::cout << "vakt 0.1.0\n";
    exit_code = kExitOk;
  });
}

}  // namespace vakt::cli
