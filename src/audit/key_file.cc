#include "audit/key_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace vakt::audit {
namespace {

constexpr size_t kMaxKeyFileSize = 4096;

Status ErrnoStatus(const std::string& what, const std::string& path) {
  return Status::Unavailable(what + " " + path + ": " + std::strerror(errno));
}

// FdCloser closes a file descriptor on scope exit.
class FdCloser {
 public:
  explicit FdCloser(int fd) : fd_(fd) {}
  ~FdCloser() {
    if (fd_ >= 0) ::close(fd_);
  }
  FdCloser(const FdCloser&) = delete;
  FdCloser& operator=(const FdCloser&) = delete;

 private:
  int fd_;
};

}  // namespace

Result<NoteSigner> LoadSignerKeyFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    if (errno == ENOENT) return Status::NotFound("no key file " + path);
    return ErrnoStatus("cannot open key file", path);
  }
  FdCloser closer(fd);
  struct stat info {};
  if (::fstat(fd, &info) != 0) return ErrnoStatus("cannot stat key file", path);
  if (!S_ISREG(info.st_mode)) return Status::FailedPrecondition(path + " is not a regular file");
  if ((info.st_mode & 077) != 0) {
    return Status::PermissionDenied("key file " + path +
                                    " is accessible by group or others; chmod 600 it");
  }
  std::string contents(kMaxKeyFileSize, '\0');
  const ssize_t count = ::read(fd, contents.data(), contents.size());
  if (count < 0) return ErrnoStatus("cannot read key file", path);
  contents.resize(static_cast<size_t>(count));
  while (!contents.empty() && (contents.back() == '\n' || contents.back() == '\r')) {
    contents.pop_back();
  }
  auto signer = NoteSigner::FromSignerKey(contents);
  if (!signer.ok()) return Status::Corruption("key file " + path + ": " + signer.status().message());
  return signer;
}

Result<NoteSigner> LoadOrCreateSignerKeyFile(const std::string& path, std::string_view name) {
  auto existing = LoadSignerKeyFile(path);
  if (existing.ok()) {
    if (existing->name() != name) {
      return Status::FailedPrecondition("key file " + path + " holds a key for \"" +
                                        existing->name() + "\", not \"" + std::string(name) + "\"");
    }
    return existing;
  }
  if (existing.status().code() != StatusCode::kNotFound) return existing.status();

  VAKT_ASSIGN_OR_RETURN(NoteSigner signer, NoteSigner::Generate(std::string(name)));
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) {
    // Lost a race with another process creating the key: use theirs.
    if (errno == EEXIST) return LoadOrCreateSignerKeyFile(path, name);
    return ErrnoStatus("cannot create key file", path);
  }
  FdCloser closer(fd);
  // The umask may have cleared bits we asked for but never adds any; make the mode exact anyway.
  if (::fchmod(fd, 0600) != 0) return ErrnoStatus("cannot chmod key file", path);
  const std::string line = signer.SignerKey() + "\n";
  if (::write(fd, line.data(), line.size()) != static_cast<ssize_t>(line.size()) ||
      ::fsync(fd) != 0) {
    return ErrnoStatus("cannot write key file", path);
  }
  return signer;
}

}  // namespace vakt::audit
