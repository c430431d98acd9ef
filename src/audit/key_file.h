#pragma once

#include <string>
#include <string_view>

#include "audit/signed_note.h"
#include "common/status.h"

namespace vakt::audit {

// LoadOrCreateSignerKeyFile returns the checkpoint signing key stored at `path`, creating it on
// first start. The file holds one line, the signer key "PRIVATE+KEY+name+keyid+base64" (the Go
// sumdb/note encoding), and is created with mode 0600 via O_CREAT|O_EXCL so two processes
// starting at once cannot both write a key. An existing file readable or writable by group or
// others is refused (PermissionDenied) rather than silently used; a file for another name is
// refused too (FailedPrecondition). `name` is the key name, normally the log origin.
Result<NoteSigner> LoadOrCreateSignerKeyFile(const std::string& path, std::string_view name);

// LoadSignerKeyFile reads an existing key file with the same permission checks.
Result<NoteSigner> LoadSignerKeyFile(const std::string& path);

}  // namespace vakt::audit
