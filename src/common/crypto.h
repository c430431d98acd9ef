#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace vakt {

using Sha256Digest = std::array<std::uint8_t, 32>;

// Sha256 hashes bytes with OpenSSL 3.
Sha256Digest Sha256(std::string_view data);
// Sha256Hex is lowercase hex of Sha256(data).
std::string Sha256Hex(std::string_view data);
// IsSha256Hex: exactly 64 lowercase hex digits, the one spelling of a SHA-256 that vakt stores,
// signs and compares (uppercase is refused so that equal digests are equal strings).
bool IsSha256Hex(std::string_view text);
// HmacSha256 returns the raw 32-byte MAC.
std::string HmacSha256(std::string_view key, std::string_view data);

std::string HexEncode(std::string_view bytes);
std::string HexEncode(const Sha256Digest& digest);
// HexDecode accepts upper or lower case; InvalidArgument on odd length or a non-hex digit.
Result<std::string> HexDecode(std::string_view hex);

std::string Base64Encode(std::string_view bytes);
// Base64Decode accepts standard padded base64; InvalidArgument otherwise.
Result<std::string> Base64Decode(std::string_view text);

// RandomBytes returns n bytes from OpenSSL's CSPRNG.
std::string RandomBytes(size_t n);
// RandomToken returns a url-safe random token of n bytes of entropy, hex encoded.
std::string RandomToken(size_t n = 24);

// ConstantTimeEquals compares secrets without leaking where they differ.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace vakt
