#pragma once

#include <string>

#include "common/status.h"

// Data references in a runbook's investigate section ("file:fraud/reference.csv") resolve under
// one configured directory (vakt.yaml `diagnose_data_dir`) and never outside it: a runbook is
// configuration, not a licence to read the server's files.
namespace vakt::diagnose {

// ResolveDataFile returns the path of `reference` under `data_dir`. Only the `file:` scheme is
// served. Errors: InvalidArgument for another scheme, an empty path, a `..` component, or a
// path (absolute, or through a symlink) that lies outside data_dir; NotFound when the file does
// not exist. Reads the file system (symlinks are resolved).
Result<std::string> ResolveDataFile(const std::string& data_dir, const std::string& reference);

}  // namespace vakt::diagnose
