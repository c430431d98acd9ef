#pragma once

// A small POSIX ustar (IEEE Std 1003.1-1988 "ustar", as written by `tar --format=ustar`) writer
// and a strict reader, enough for evidence bundles: regular files only, names up to 100 bytes,
// no links, no extensions. Written by hand rather than with libarchive because a bundle verifier
// must reject anything unusual (a lenient reader would accept a modified archive that still
// unpacks) and must name the member a bad byte is in; libarchive hides both behind its
// recovery logic. The reader therefore demands: valid header checksums, "ustar\0" "00" magic,
// octal fields, type '0', zero padding after each member's data, a zero end-of-archive marker
// and nothing but zeros after it. Any single changed byte breaks one of those rules or changes a
// member's content.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace vakt::audit {

struct TarMember {
  std::string name;  // relative path, 1-100 bytes, no "..", no leading '/'
  std::string data;
};

// WriteTar returns the archive bytes. `mtime` (Unix seconds) is stamped on every member so the
// same input gives the same bytes. InvalidArgument for an unusable name or a duplicate.
Result<std::string> WriteTar(const std::vector<TarMember>& members, std::int64_t mtime);

// ReadTar parses an archive written by WriteTar (or any strict ustar of regular files).
// InvalidArgument naming the member (by position and, when readable, name) and the byte offset
// for anything truncated, malformed or unsupported. Never reads out of bounds.
Result<std::vector<TarMember>> ReadTar(std::string_view archive);

}  // namespace vakt::audit
