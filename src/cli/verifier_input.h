#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "audit/signed_note.h"
#include "cli/api_client.h"
#include "common/status.h"

namespace vakt::cli {

// The plumbing shared by the offline verifiers (`vakt audit ...`, `vakt bundle verify`); the
// commands that fetch what they verify use CallApi (cli/api_client.h). Each function prints its
// failure as "<command>: reason" on stderr, so the caller only picks the exit code.

// ReadTrustedKey reads a verifier key ("name+keyid+base64", as GET /api/v1/audit/public-key
// returns it) from `path` into `out`; an empty `path` leaves `out` empty (trust the input's own
// key). Returns false, after printing why, when the file cannot be read or is not a key.
bool ReadTrustedKey(std::string_view command, const std::string& path,
                    std::optional<audit::NoteVerifier>& out);

// ReadVerifierInput reads the key to trust (as ReadTrustedKey), then the file under test at
// `path` into `contents`. Returns false, after printing why: both are usage errors.
bool ReadVerifierInput(std::string_view command, const std::string& path,
                       const std::string& public_key_path, std::string& contents,
                       std::optional<audit::NoteVerifier>& key);

}  // namespace vakt::cli
