#include "common/redact.h"

#include <fmt/format.h>

namespace vakt {

std::string RedactUrlCredentials(const std::string& text) {
  std::string out;
  size_t pos = 0;
  while (true) {
    size_t scheme = text.find("://", pos);
    if (scheme == std::string::npos) break;
    size_t start = scheme + 3;
    // The authority ends at the first '/', whitespace or quote; credentials end at its last '@'.
    size_t end = text.find_first_of("/ \t\r\n\"'", start);
    if (end == std::string::npos) end = text.size();
    size_t at = text.rfind('@', end);
    size_t colon = text.find(':', start);
    out += text.substr(pos, start - pos);
    if (at != std::string::npos && at >= start && colon != std::string::npos && colon < at) {
      out += text.substr(start, colon - start + 1) + "<secret>";
      pos = at;
    } else {
      pos = start;
    }
  }
  out += text.substr(pos);
  return out;
}

std::string PrintableForMessage(const std::string& text, size_t max_bytes) {
  std::string out;
  for (unsigned char c : text) {
    if (out.size() >= max_bytes) {
      out += "...";
      break;
    }
    if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      out += fmt::format("\\x{:02x}", c);
    }
  }
  return out;
}

}  // namespace vakt
