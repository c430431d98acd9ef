#include "cli/verifier_input.h"

#include <iostream>

#include "cli/commands.h"
#include "common/file_read.h"

namespace vakt::cli {

bool ReadTrustedKey(std::string_view command, const std::string& path,
                    std::optional<audit::NoteVerifier>& out) {
  if (path.empty()) return true;
  auto text = ReadFileToString(path);
  if (!text.ok()) {
    std::cerr << command << ": --public-key: " << text.status().message() << "\n";
    return false;
  }
  std::string key = *text;
  while (!key.empty() && (key.back() == '\n' || key.back() == '\r' || key.back() == ' ')) {
    key.pop_back();
  }
  auto verifier = audit::NoteVerifier::FromVerifierKey(key);
  if (!verifier.ok()) {
    std::cerr << command << ": --public-key " << path << ": " << verifier.status().message()
              << "\n";
    return false;
  }
  out = std::move(*verifier);
  return true;
}

bool ReadVerifierInput(std::string_view command, const std::string& path,
                       const std::string& public_key_path, std::string& contents,
                       std::optional<audit::NoteVerifier>& key) {
  if (!ReadTrustedKey(command, public_key_path, key)) return false;
  auto text = ReadFileToString(path);
  if (!text.ok()) {
    std::cerr << command << ": " << text.status().message() << "\n";
    return false;
  }
  contents = std::move(*text);
  return true;
}

}  // namespace vakt::cli
