#pragma once

#include <filesystem>
#include <mutex>

#include "evidence/evidence_store.h"

namespace vakt::evidence {

// FileEvidenceStore keeps evidence in a directory:
//
//   DIR/sha256/ab/cdef…        blob whose SHA-256 is "abcdef…" (first two hex digits fan out)
//   DIR/incidents/<id>.jsonl   one JSON object per capture, appended in capture order:
//     {"sha256":"…","size":N,"incident":"…","step":"…","collector":"…","source":"…",
//      "time_ms":N,"time":"RFC 3339","content_type":"…"}
//   DIR/tmp/                   blobs being written
//
// A blob is written to tmp/, fsynced, renamed into place and its directory fsynced, so a crash
// leaves either no blob or a whole one. Metadata lines are appended with O_APPEND and fsynced; a
// final line without its newline (torn by a crash) is ignored when listing.
//
// Safe for concurrent use within one process (a mutex serialises metadata appends; blob renames
// are atomic). Several processes may share a directory for blobs, not for metadata.
class FileEvidenceStore final : public EvidenceStore {
 public:
  // Open creates the directory layout under `root` if needed. Internal on I/O failure.
  static Result<std::unique_ptr<FileEvidenceStore>> Open(const std::filesystem::path& root);

  Result<std::string> Put(std::string_view bytes, const EvidenceMetadata& metadata) override;
  // PutBlob stores only the bytes (once per content) and returns their SHA-256, for callers that
  // keep the metadata elsewhere (storage::SqlEvidenceStore keeps it in the database).
  Result<std::string> PutBlob(std::string_view bytes);
  Result<std::string> Get(std::string_view sha256) const override;
  Result<std::vector<EvidenceRecord>> ListByIncident(std::string_view incident_id) const override;
  // DeleteBlob removes the blob (the retention sweep's only way to delete; see retention.h).
  // Returns false when it was already absent. InvalidArgument for a malformed hash.
  Result<bool> DeleteBlob(std::string_view sha256);

  // BlobPathForTest is where the blob with `sha256` lives.
  std::filesystem::path BlobPathForTest(std::string_view sha256) const { return BlobPath(sha256); }

 private:
  explicit FileEvidenceStore(std::filesystem::path root) : root_(std::move(root)) {}
  std::filesystem::path BlobPath(std::string_view sha256) const;
  Status WriteBlob(std::string_view sha256, std::string_view bytes);

  const std::filesystem::path root_;
  std::mutex append_mu_;  // serialises metadata appends
};

}  // namespace vakt::evidence
