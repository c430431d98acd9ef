#include "diagnose/data_source.h"

#include <algorithm>
#include <filesystem>

namespace vakt::diagnose {

Result<std::string> ResolveDataFile(const std::string& data_dir, const std::string& reference) {
  namespace fs = std::filesystem;
  constexpr std::string_view kScheme = "file:";
  if (reference.rfind(kScheme, 0) != 0) {
    const size_t colon = reference.find(':');
    return Status::InvalidArgument(
        "data reference \"" + reference + "\": only file: references are supported" +
        (colon == std::string::npos ? std::string() : " (not " + reference.substr(0, colon) + ":)"));
  }
  const std::string relative = reference.substr(kScheme.size());
  if (relative.empty()) return Status::InvalidArgument("data reference \"" + reference + "\": empty path");
  const fs::path requested(relative);
  for (const fs::path& part : requested) {
    if (part == "..") {
      return Status::InvalidArgument("data reference \"" + reference +
                                     "\": \"..\" is not allowed in data paths");
    }
  }
  std::error_code error;
  fs::path root = fs::weakly_canonical(fs::absolute(data_dir, error), error);
  if (error) return Status::InvalidArgument("diagnose_data_dir \"" + data_dir + "\": " + error.message());
  if (!root.has_filename()) root = root.parent_path();  // "dir/" ends in an empty component
  const fs::path candidate = requested.is_absolute() ? requested : root / requested;
  const fs::path resolved = fs::weakly_canonical(candidate, error);
  if (error) return Status::InvalidArgument("data reference \"" + reference + "\": " + error.message());
  // Component-wise prefix check, after symlinks are resolved.
  auto [root_end, unused] = std::mismatch(root.begin(), root.end(), resolved.begin(), resolved.end());
  (void)unused;
  if (root_end != root.end()) {
    return Status::InvalidArgument("data reference \"" + reference +
                                   "\" resolves outside the diagnose data directory");
  }
  if (!fs::is_regular_file(resolved, error)) {
    return Status::NotFound("data reference \"" + reference + "\": no file " + resolved.string());
  }
  return resolved.string();
}

}  // namespace vakt::diagnose
