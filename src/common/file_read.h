#pragma once

#include <filesystem>
#include <string>

#include "common/status.h"

namespace vakt {

// ReadFileToString returns a file's bytes: NotFound when it cannot be opened, Internal when
// reading fails part way (so a truncated read never passes for the whole file).
Result<std::string> ReadFileToString(const std::filesystem::path& path);

}  // namespace vakt
