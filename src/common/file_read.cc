#include "common/file_read.h"

#include <fstream>
#include <sstream>

namespace vakt {

Result<std::string> ReadFileToString(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot read " + path.string());
  std::ostringstream contents;
  contents << in.rdbuf();
  if (in.bad()) return Status::Internal("error reading " + path.string());
  return contents.str();
}

}  // namespace vakt
