#include "audit/tar_archive.h"

#include <algorithm>
#include <cstring>
#include <set>

#include "common/redact.h"

namespace vakt::audit {
namespace {

constexpr size_t kBlock = 512;
constexpr size_t kNameOffset = 0, kNameSize = 100;
constexpr size_t kModeOffset = 100;
constexpr size_t kUidOffset = 108;
constexpr size_t kGidOffset = 116;
constexpr size_t kSizeOffset = 124, kSizeSize = 12;
constexpr size_t kMtimeOffset = 136;
constexpr size_t kChecksumOffset = 148, kChecksumSize = 8;
constexpr size_t kTypeOffset = 156;
constexpr size_t kMagicOffset = 257;
constexpr size_t kUnameOffset = 265;
constexpr size_t kGnameOffset = 297;
constexpr size_t kPrefixOffset = 345, kPrefixSize = 155;
// Sizes this writer can express in 11 octal digits (8 GiB - 1).
constexpr std::uint64_t kMaxSize = (std::uint64_t{1} << 33) - 1;
// Room for a whole name (prefix/name, 256 bytes) even when every byte is escaped as \xNN.
constexpr size_t kMessageNameBytes = 4 * (kPrefixSize + 1 + kNameSize);

// ForMessage escapes a member name for an error message (names are untrusted bytes).
std::string ForMessage(const std::string& name) {
  return PrintableForMessage(name, kMessageNameBytes);
}

bool ValidName(std::string_view name) {
  if (name.empty() || name.size() > kNameSize || name.front() == '/') return false;
  if (name.find('\0') != std::string_view::npos || name.find('\\') != std::string_view::npos) {
    return false;
  }
  size_t start = 0;
  while (start <= name.size()) {
    size_t end = name.find('/', start);
    if (end == std::string_view::npos) end = name.size();
    std::string_view part = name.substr(start, end - start);
    if (part.empty() || part == "." || part == "..") return false;
    start = end + 1;
  }
  return true;
}

void PutOctal(char* field, size_t width, std::uint64_t value) {
  // width-1 zero-padded octal digits and a NUL, as GNU tar writes them.
  for (size_t i = width - 1; i-- > 0;) {
    field[i] = static_cast<char>('0' + (value & 7));
    value >>= 3;
  }
  field[width - 1] = '\0';
}

unsigned HeaderSum(const unsigned char* header) {
  unsigned sum = 0;
  for (size_t i = 0; i < kBlock; ++i) {
    const bool in_checksum = i >= kChecksumOffset && i < kChecksumOffset + kChecksumSize;
    sum += in_checksum ? ' ' : header[i];
  }
  return sum;
}

// ParseOctal reads a numeric field: optional leading spaces, octal digits, then NULs or spaces
// to the end. Nothing else.
bool ParseOctal(const char* field, size_t width, std::uint64_t& value) {
  size_t i = 0;
  while (i < width && field[i] == ' ') ++i;
  const size_t digits_start = i;
  value = 0;
  while (i < width && field[i] >= '0' && field[i] <= '7') {
    if (value > (kMaxSize << 3)) return false;
    value = value * 8 + static_cast<std::uint64_t>(field[i] - '0');
    ++i;
  }
  if (i == digits_start) return false;
  for (; i < width; ++i) {
    if (field[i] != '\0' && field[i] != ' ') return false;
  }
  return true;
}

std::string FieldString(const char* field, size_t width) {
  return std::string(field, strnlen(field, width));
}

bool AllZero(std::string_view bytes) {
  return std::all_of(bytes.begin(), bytes.end(), [](char c) { return c == '\0'; });
}

}  // namespace

Result<std::string> WriteTar(const std::vector<TarMember>& members, std::int64_t mtime) {
  std::string out;
  std::set<std::string> seen;
  for (const TarMember& member : members) {
    if (!ValidName(member.name)) {
      return Status::InvalidArgument("tar member name '" + ForMessage(member.name) +
                                     "' is not usable");
    }
    if (!seen.insert(member.name).second) {
      return Status::InvalidArgument("tar member '" + ForMessage(member.name) + "' appears twice");
    }
    if (member.data.size() > kMaxSize) {
      return Status::InvalidArgument("tar member '" + ForMessage(member.name) + "' is too large");
    }
    char header[kBlock] = {};
    std::memcpy(header + kNameOffset, member.name.data(), member.name.size());
    PutOctal(header + kModeOffset, 8, 0644);
    PutOctal(header + kUidOffset, 8, 0);
    PutOctal(header + kGidOffset, 8, 0);
    PutOctal(header + kSizeOffset, kSizeSize, member.data.size());
    PutOctal(header + kMtimeOffset, 12,
             static_cast<std::uint64_t>(std::max<std::int64_t>(mtime, 0)));
    header[kTypeOffset] = '0';
    std::memcpy(header + kMagicOffset,
                "ustar\0"
                "00",
                8);
    std::memcpy(header + kUnameOffset, "vakt", 4);
    std::memcpy(header + kGnameOffset, "vakt", 4);
    const unsigned sum = HeaderSum(reinterpret_cast<const unsigned char*>(header));
    // Six octal digits, NUL, space: the traditional checksum layout.
    PutOctal(header + kChecksumOffset, 7, sum);
    header[kChecksumOffset + 7] = ' ';
    out.append(header, kBlock);
    out.append(member.data);
    out.append((kBlock - member.data.size() % kBlock) % kBlock, '\0');
  }
  out.append(2 * kBlock, '\0');
  return out;
}

Result<std::vector<TarMember>> ReadTar(std::string_view archive) {
  std::vector<TarMember> members;
  std::set<std::string> seen;
  if (archive.size() % kBlock != 0) {
    return Status::InvalidArgument("tar: length " + std::to_string(archive.size()) +
                                   " is not a multiple of 512 (truncated or not a tar)");
  }
  size_t offset = 0;
  for (;;) {
    const std::string where = "tar member #" + std::to_string(members.size() + 1);
    if (offset + kBlock > archive.size()) {
      return Status::InvalidArgument(where + ": archive ends at byte " + std::to_string(offset) +
                                     " without the end-of-archive marker (truncated)");
    }
    std::string_view block = archive.substr(offset, kBlock);
    if (AllZero(block)) {
      // End of archive: a second zero block, then only zeros (record padding).
      if (offset + 2 * kBlock > archive.size()) {
        return Status::InvalidArgument("tar: end-of-archive marker is cut short (truncated)");
      }
      if (!AllZero(archive.substr(offset))) {
        return Status::InvalidArgument(
            "tar: non-zero bytes after the end-of-archive marker at byte " +
            std::to_string(offset));
      }
      break;
    }
    const char* header = block.data();
    std::string name = FieldString(header + kNameOffset, kNameSize);
    const std::string prefix = FieldString(header + kPrefixOffset, kPrefixSize);
    if (!prefix.empty()) name = prefix + "/" + name;
    // The name is untrusted bytes (garbage when this is not a tar): escape it for the message.
    const std::string named =
        where + " ('" + ForMessage(name) + "') at byte " + std::to_string(offset);
    std::uint64_t stored_sum = 0;
    if (!ParseOctal(header + kChecksumOffset, kChecksumSize, stored_sum) ||
        stored_sum != HeaderSum(reinterpret_cast<const unsigned char*>(header))) {
      return Status::InvalidArgument(named + ": header checksum does not match (header modified)");
    }
    if (std::memcmp(header + kMagicOffset,
                    "ustar\0"
                    "00",
                    8) != 0) {
      return Status::InvalidArgument(named + ": not a POSIX ustar header");
    }
    if (header[kTypeOffset] != '0' && header[kTypeOffset] != '\0') {
      return Status::InvalidArgument(named + ": only regular files are allowed in a bundle");
    }
    if (!ValidName(name)) return Status::InvalidArgument(named + ": unusable member name");
    if (!seen.insert(name).second) return Status::InvalidArgument(named + ": duplicate member");
    std::uint64_t size = 0;
    if (!ParseOctal(header + kSizeOffset, kSizeSize, size) || size > kMaxSize) {
      return Status::InvalidArgument(named + ": bad size field");
    }
    offset += kBlock;
    const std::uint64_t padded = (size + kBlock - 1) / kBlock * kBlock;
    if (padded > archive.size() - offset) {
      return Status::InvalidArgument(named + ": data runs past the end of the archive (truncated)");
    }
    TarMember member{name, std::string(archive.substr(offset, size))};
    if (!AllZero(archive.substr(offset + size, padded - size))) {
      return Status::InvalidArgument(named + ": non-zero padding after its data (modified)");
    }
    offset += padded;
    members.push_back(std::move(member));
  }
  return members;
}

}  // namespace vakt::audit
