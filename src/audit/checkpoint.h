#pragma once

// C2SP tlog-checkpoint (https://c2sp.org/tlog-checkpoint): the note body
//   <origin>\n<decimal tree size>\n<base64 root hash>\n[extension lines\n]
// signed as a C2SP signed-note. See docs/audit_log_format.md.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "audit/merkle.h"
#include "audit/signed_note.h"
#include "common/status.h"

namespace vakt::audit {

// Checkpoint is a tree head: the log's origin, its size and its root. A plain value.
struct Checkpoint {
  std::string origin;
  std::uint64_t size = 0;
  Hash root{};
  std::vector<std::string> extensions;  // opaque lines after the root, kept verbatim

  bool operator==(const Checkpoint&) const = default;
};

// FormatCheckpointBody renders the note body. REQUIRES: origin non-empty without newlines.
std::string FormatCheckpointBody(const Checkpoint& checkpoint);
// ParseCheckpointBody reads a body; InvalidArgument naming the bad line (a size with a sign,
// leading zeros or overflow, a root that is not base64 of 32 bytes, a missing final newline).
Result<Checkpoint> ParseCheckpointBody(std::string_view body);

// SignCheckpoint returns the signed note for checkpoint.
Result<std::string> SignCheckpoint(const Checkpoint& checkpoint, const NoteSigner& signer);
// OpenCheckpoint verifies the note's signature by `verifier` and parses the body. When
// expected_origin is non-empty the origin must match it.
Result<Checkpoint> OpenCheckpoint(std::string_view signed_note, const NoteVerifier& verifier,
                                  std::string_view expected_origin = {});

}  // namespace vakt::audit
