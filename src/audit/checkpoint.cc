#include "audit/checkpoint.h"

#include <limits>

#include "common/crypto.h"

namespace vakt::audit {
namespace {

Result<std::uint64_t> ParseSize(std::string_view text) {
  if (text.empty() || (text.size() > 1 && text[0] == '0')) {
    return Status::InvalidArgument("checkpoint size \"" + std::string(text) +
                                   "\" is not a canonical decimal");
  }
  std::uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') {
      return Status::InvalidArgument("checkpoint size \"" + std::string(text) + "\" is not decimal");
    }
    const auto digit = static_cast<std::uint64_t>(c - '0');
    if (value > (std::numeric_limits<std::uint64_t>::max() - digit) / 10) {
      return Status::InvalidArgument("checkpoint size overflows 64 bits");
    }
    value = value * 10 + digit;
  }
  return value;
}

}  // namespace

std::string FormatCheckpointBody(const Checkpoint& checkpoint) {
  std::string body = checkpoint.origin + "\n" + std::to_string(checkpoint.size) + "\n" +
                     Base64Encode(HashBytes(checkpoint.root)) + "\n";
  for (const auto& line : checkpoint.extensions) body += line + "\n";
  return body;
}

Result<Checkpoint> ParseCheckpointBody(std::string_view body) {
  if (body.empty() || body.back() != '\n') {
    return Status::InvalidArgument("checkpoint body must end with a newline");
  }
  std::vector<std::string_view> lines;
  for (std::string_view rest = body; !rest.empty();) {
    const size_t newline = rest.find('\n');
    lines.push_back(rest.substr(0, newline));
    rest.remove_prefix(newline + 1);
  }
  if (lines.size() < 3) return Status::InvalidArgument("checkpoint body has fewer than 3 lines");
  Checkpoint checkpoint;
  checkpoint.origin = std::string(lines[0]);
  if (checkpoint.origin.empty()) return Status::InvalidArgument("checkpoint origin is empty");
  VAKT_ASSIGN_OR_RETURN(checkpoint.size, ParseSize(lines[1]));
  auto root = Base64Decode(lines[2]);
  if (!root.ok()) return Status::InvalidArgument("checkpoint root line is not base64");
  VAKT_ASSIGN_OR_RETURN(checkpoint.root, HashFromBytes(*root, "checkpoint root"));
  for (size_t pos = 3; pos < lines.size(); ++pos) {
    if (lines[pos].empty()) return Status::InvalidArgument("checkpoint has an empty extension line");
    checkpoint.extensions.emplace_back(lines[pos]);
  }
  return checkpoint;
}

Result<std::string> SignCheckpoint(const Checkpoint& checkpoint, const NoteSigner& signer) {
  if (checkpoint.origin.empty() || checkpoint.origin.find('\n') != std::string::npos) {
    return Status::InvalidArgument("checkpoint origin must be one non-empty line");
  }
  return SignNote(FormatCheckpointBody(checkpoint), signer);
}

Result<Checkpoint> OpenCheckpoint(std::string_view signed_note, const NoteVerifier& verifier,
                                  std::string_view expected_origin) {
  VAKT_ASSIGN_OR_RETURN(std::string body, OpenNote(signed_note, verifier));
  VAKT_ASSIGN_OR_RETURN(Checkpoint checkpoint, ParseCheckpointBody(body));
  if (!expected_origin.empty() && checkpoint.origin != expected_origin) {
    return Status::InvalidArgument("checkpoint origin \"" + checkpoint.origin + "\" is not \"" +
                                   std::string(expected_origin) + "\"");
  }
  return checkpoint;
}

}  // namespace vakt::audit
