#include "notify/slack/slack_escape.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace vakt::notify::slack {
namespace {

bool StartsWithKeyword(std::string_view text, size_t pos, std::string_view keyword) {
  if (text.size() - pos < keyword.size()) return false;
  for (size_t index = 0; index < keyword.size(); ++index) {
    if (std::tolower(static_cast<unsigned char>(text[pos + index])) != keyword[index]) return false;
  }
  return true;
}

}  // namespace

std::string EscapeSlackText(std::string_view text) {
  static constexpr std::array<std::string_view, 3> kBroadcasts = {"here", "channel", "everyone"};
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (size_t pos = 0; pos < text.size(); ++pos) {
    const char ch = text[pos];
    switch (ch) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '@':
        out += ch;
        if (std::any_of(kBroadcasts.begin(), kBroadcasts.end(), [&](std::string_view keyword) {
              return StartsWithKeyword(text, pos + 1, keyword);
            })) {
          out += kWordJoiner;
        }
        break;
      default:
        out += ch;
    }
  }
  return out;
}

std::string TruncateSlackText(std::string_view escaped, size_t max_bytes) {
  if (escaped.size() <= max_bytes) return std::string(escaped);
  constexpr std::string_view kEllipsis = "\xe2\x80\xa6";
  size_t cut = max_bytes > kEllipsis.size() ? max_bytes - kEllipsis.size() : 0;
  // Back off to a character start (not a UTF-8 continuation byte).
  while (cut > 0 && (static_cast<unsigned char>(escaped[cut]) & 0xC0) == 0x80) --cut;
  // Back off over a partial entity: an '&' in the last few bytes without its ';'.
  const size_t amp = escaped.rfind('&', cut == 0 ? 0 : cut - 1);
  if (amp != std::string_view::npos && cut - amp < 5 &&
      escaped.substr(amp, cut - amp).find(';') == std::string_view::npos) {
    cut = amp;
  }
  return std::string(escaped.substr(0, cut)) + std::string(kEllipsis);
}

}  // namespace vakt::notify::slack
