#include "evidence/file_evidence_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>

#include "common/crypto.h"
#include "common/file_read.h"
#include "common/json_parse.h"
#include "common/time_format.h"

namespace vakt::evidence {
namespace {

namespace fs = std::filesystem;

Status IoError(const std::string& what, const fs::path& path, int error) {
  return Status::Internal(what + " " + path.string() + ": " + std::strerror(error));
}

Status WriteAll(int fd, std::string_view bytes, const fs::path& path) {
  while (!bytes.empty()) {
    ssize_t written = ::write(fd, bytes.data(), bytes.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      return IoError("writing", path, errno);
    }
    bytes.remove_prefix(static_cast<size_t>(written));
  }
  return Status::Ok();
}

Status FsyncDir(const fs::path& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return IoError("opening", dir, errno);
  int rc = ::fsync(fd);
  int error = errno;
  ::close(fd);
  return rc == 0 ? Status::Ok() : IoError("fsync", dir, error);
}

}  // namespace

Result<std::unique_ptr<FileEvidenceStore>> FileEvidenceStore::Open(const fs::path& root) {
  std::error_code error;
  for (const char* sub : {"sha256", "incidents", "tmp"}) {
    fs::create_directories(root / sub, error);
    if (error)
      return Status::Internal("creating " + (root / sub).string() + ": " + error.message());
  }
  return std::unique_ptr<FileEvidenceStore>(new FileEvidenceStore(root));
}

fs::path FileEvidenceStore::BlobPath(std::string_view sha256) const {
  return root_ / "sha256" / std::string(sha256.substr(0, 2)) / std::string(sha256.substr(2));
}

Status FileEvidenceStore::WriteBlob(std::string_view sha256, std::string_view bytes) {
  const fs::path final_path = BlobPath(sha256);
  const fs::path temp_path = root_ / "tmp" / (std::string(sha256) + "." + RandomToken(8));
  int fd = ::open(temp_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
  if (fd < 0) return IoError("creating", temp_path, errno);
  Status written = WriteAll(fd, bytes, temp_path);
  if (written.ok() && ::fsync(fd) != 0) written = IoError("fsync", temp_path, errno);
  ::close(fd);
  std::error_code error;
  if (written.ok()) {
    fs::create_directories(final_path.parent_path(), error);
    if (error) written = Status::Internal("creating " + final_path.parent_path().string());
  }
  if (written.ok() && ::rename(temp_path.c_str(), final_path.c_str()) != 0) {
    written = IoError("renaming into", final_path, errno);
  }
  if (!written.ok()) {
    fs::remove(temp_path, error);
    return written;
  }
  return FsyncDir(final_path.parent_path());
}

Result<std::string> FileEvidenceStore::PutBlob(std::string_view bytes) {
  const std::string sha256 = Sha256Hex(bytes);
  // Store once: an intact copy is kept; a missing or damaged one is (re)written.
  auto existing = Get(sha256);
  if (!existing.ok()) VAKT_RETURN_IF_ERROR(WriteBlob(sha256, bytes));
  return sha256;
}

Result<std::string> FileEvidenceStore::Put(std::string_view bytes,
                                           const EvidenceMetadata& metadata) {
  if (!IsValidIncidentId(metadata.incident_id)) {
    return Status::InvalidArgument("bad incident id '" + metadata.incident_id + "'");
  }
  VAKT_ASSIGN_OR_RETURN(const std::string sha256, PutBlob(bytes));

  nlohmann::json line = {{"sha256", sha256},
                         {"size", bytes.size()},
                         {"incident", metadata.incident_id},
                         {"step", metadata.step_id},
                         {"collector", metadata.collector},
                         {"source", metadata.source},
                         {"time_ms", metadata.time},
                         {"time", FormatRfc3339(metadata.time)},
                         {"content_type", metadata.content_type}};
  std::string text;
  try {
    text = line.dump() + "\n";
  } catch (const nlohmann::json::exception& error) {
    return Status::InvalidArgument(std::string("evidence metadata is not UTF-8: ") + error.what());
  }
  const fs::path path = root_ / "incidents" / (metadata.incident_id + ".jsonl");
  std::lock_guard<std::mutex> lock(append_mu_);
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
  if (fd < 0) return IoError("opening", path, errno);
  Status written = WriteAll(fd, text, path);
  if (written.ok() && ::fsync(fd) != 0) written = IoError("fsync", path, errno);
  ::close(fd);
  VAKT_RETURN_IF_ERROR(written);
  return sha256;
}

Result<std::string> FileEvidenceStore::Get(std::string_view sha256) const {
  if (!IsValidSha256Hex(sha256)) {
    return Status::InvalidArgument("'" + std::string(sha256) + "' is not a SHA-256 hex digest");
  }
  auto bytes = ReadFileToString(BlobPath(sha256));
  if (!bytes.ok()) {
    return bytes.status().code() == StatusCode::kNotFound
               ? Status::NotFound("no evidence blob " + std::string(sha256))
               : bytes.status();
  }
  if (Sha256Hex(*bytes) != sha256) {
    return Status::Corruption("evidence blob " + std::string(sha256) + " does not match its hash");
  }
  return bytes;
}

Result<std::vector<EvidenceRecord>> FileEvidenceStore::ListByIncident(
    std::string_view incident_id) const {
  if (!IsValidIncidentId(incident_id)) {
    return Status::InvalidArgument("bad incident id '" + std::string(incident_id) + "'");
  }
  const fs::path path = root_ / "incidents" / (std::string(incident_id) + ".jsonl");
  std::vector<EvidenceRecord> records;
  auto contents = ReadFileToString(path);
  if (!contents.ok()) {
    if (contents.status().code() == StatusCode::kNotFound) return records;
    return contents.status();
  }
  std::string_view rest = *contents;
  for (int line_no = 1; !rest.empty(); ++line_no) {
    auto newline = rest.find('\n');
    if (newline == std::string_view::npos) break;  // torn final append: never acknowledged
    std::string_view line = rest.substr(0, newline);
    rest.remove_prefix(newline + 1);
    auto parsed = ParseJsonStrict(line);
    auto corrupt = [&](const std::string& why) {
      return Status::Corruption(path.string() + " line " + std::to_string(line_no) + ": " + why);
    };
    if (!parsed.ok()) return corrupt(parsed.status().message());
    try {
      const nlohmann::json& json = *parsed;
      EvidenceRecord record;
      record.sha256 = json.at("sha256").get<std::string>();
      record.size = json.at("size").get<std::uint64_t>();
      record.metadata.incident_id = json.at("incident").get<std::string>();
      record.metadata.step_id = json.at("step").get<std::string>();
      record.metadata.collector = json.at("collector").get<std::string>();
      record.metadata.source = json.at("source").get<std::string>();
      record.metadata.time = json.at("time_ms").get<TimeMs>();
      record.metadata.content_type = json.at("content_type").get<std::string>();
      if (!IsValidSha256Hex(record.sha256)) return corrupt("bad sha256");
      records.push_back(std::move(record));
    } catch (const nlohmann::json::exception& error) {
      return corrupt(error.what());
    }
  }
  return records;
}

Result<bool> FileEvidenceStore::DeleteBlob(std::string_view sha256) {
  if (!IsValidSha256Hex(sha256)) return Status::InvalidArgument("sha256: malformed");
  std::error_code error;
  const bool removed = fs::remove(BlobPath(sha256), error);
  if (error) return Status::Internal("cannot delete evidence blob: " + error.message());
  return removed;
}

}  // namespace vakt::evidence
