#include "notify/email/mime_message.h"

#include <algorithm>
#include <ctime>

#include "common/crypto.h"

namespace vakt::notify::email {
namespace {

constexpr char kHex[] = "0123456789ABCDEF";
constexpr size_t kMaxQpLine = 76;

bool IsPrintableAscii(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char ch) { return ch >= 0x20 && ch < 0x7f; });
}

// Length of the UTF-8 sequence starting with `lead`; 1 for bytes that cannot start one, so
// invalid input still advances.
size_t Utf8SequenceLength(unsigned char lead) {
  if (lead >= 0xF0 && lead < 0xF8) return 4;
  if (lead >= 0xE0) return lead < 0xF0 ? 3 : 1;
  if (lead >= 0xC0) return 2;
  return 1;
}

}  // namespace

Status ValidateMailbox(std::string_view address, std::string_view what) {
  const auto invalid = [&](const char* why) {
    return Status::InvalidArgument("e-mail " + std::string(what) + " address " + why);
  };
  if (address.empty() || address.size() > 254) return invalid("must have 1 to 254 characters");
  for (const char ch : address) {
    if (ch <= 0x20 || ch >= 0x7f) return invalid("may contain only printable ASCII without spaces");
    if (std::string_view("<>()[],;:\\\"").find(ch) != std::string_view::npos) {
      return invalid("contains a character not allowed in a bare address");
    }
  }
  const size_t at = address.find('@');
  if (at == std::string_view::npos || at == 0 || at + 1 == address.size() ||
      address.find('@', at + 1) != std::string_view::npos) {
    return invalid("must be local@domain");
  }
  return Status::Ok();
}

std::string SanitizeHeaderText(std::string_view text) {
  std::string out(text);
  for (char& ch : out) {
    if ((ch >= 0 && ch < 0x20) || ch == 0x7f) ch = ' ';
  }
  return out;
}

std::string EncodeHeaderText(std::string_view text) {
  const std::string clean = SanitizeHeaderText(text);
  if (IsPrintableAscii(clean) && clean.size() <= 60 && clean.find("=?") == std::string::npos) {
    return clean;
  }
  // 42 input bytes become 56 base64 characters; with "=?UTF-8?B?" and "?=" a word is 68 long,
  // so "Subject: " plus the first word, or a space plus a later one, stays within 78.
  constexpr size_t kMaxChunk = 42;
  std::string out;
  size_t pos = 0;
  while (pos < clean.size()) {
    size_t end = pos;
    while (end < clean.size()) {
      const size_t next = end + Utf8SequenceLength(static_cast<unsigned char>(clean[end]));
      if (next - pos > kMaxChunk) break;
      end = std::min(next, clean.size());
    }
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + Base64Encode(std::string_view(clean).substr(pos, end - pos)) + "?=";
    pos = end;
  }
  return out;
}

std::string QuotedPrintableEncode(std::string_view text) {
  std::string out;
  size_t line_length = 0;
  auto emit = [&](std::string_view token) {
    // Keep one column free for the "=" of a soft break.
    if (line_length + token.size() > kMaxQpLine - 1) {
      out += "=\r\n";
      line_length = 0;
    }
    out += token;
    line_length += token.size();
  };
  for (size_t pos = 0; pos < text.size(); ++pos) {
    const auto ch = static_cast<unsigned char>(text[pos]);
    if (ch == '\r' || ch == '\n') {
      if (ch == '\r' && pos + 1 < text.size() && text[pos + 1] == '\n') ++pos;
      out += "\r\n";
      line_length = 0;
      continue;
    }
    const bool at_line_end =
        pos + 1 == text.size() || text[pos + 1] == '\r' || text[pos + 1] == '\n';
    const bool literal = (ch >= 33 && ch <= 126 && ch != '=') ||
                         ((ch == ' ' || ch == '\t') && !at_line_end);
    if (literal) {
      emit(std::string_view(text.data() + pos, 1));
    } else {
      const char encoded[] = {'=', kHex[ch >> 4], kHex[ch & 0x0F]};
      emit(std::string_view(encoded, 3));
    }
  }
  return out;
}

std::string FormatRfc5322Date(TimeMs time) {
  const std::time_t seconds = static_cast<std::time_t>(time / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char buffer[64];
  const size_t length = std::strftime(buffer, sizeof(buffer), "%a, %d %b %Y %H:%M:%S +0000", &utc);
  return std::string(buffer, length);
}

Result<std::string> BuildMimeMessage(const EmailMessage& message, std::string_view boundary) {
  VAKT_RETURN_IF_ERROR(ValidateMailbox(message.from, "from"));
  VAKT_RETURN_IF_ERROR(ValidateMailbox(message.to, "to"));
  VAKT_RETURN_IF_ERROR(ValidateMailbox(message.message_id, "Message-ID"));
  if (message.html && (boundary.empty() || !IsPrintableAscii(boundary))) {
    return Status::InvalidArgument("e-mail MIME boundary must be printable ASCII");
  }
  std::string out;
  out += "Date: " + FormatRfc5322Date(message.date) + "\r\n";
  out += "From: " + message.from + "\r\n";
  out += "To: " + message.to + "\r\n";
  out += "Subject: " + EncodeHeaderText(message.subject) + "\r\n";
  out += "Message-ID: <" + message.message_id + ">\r\n";
  out += "MIME-Version: 1.0\r\n";
  const std::string text_headers =
      "Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: quoted-printable\r\n";
  if (!message.html) {
    out += text_headers + "\r\n" + QuotedPrintableEncode(message.text) + "\r\n";
    return out;
  }
  const std::string delimiter = "--" + std::string(boundary);
  out += "Content-Type: multipart/alternative; boundary=\"" + std::string(boundary) + "\"\r\n\r\n";
  out += delimiter + "\r\n" + text_headers + "\r\n" + QuotedPrintableEncode(message.text) + "\r\n";
  out += delimiter + "\r\n";
  out += "Content-Type: text/html; charset=UTF-8\r\nContent-Transfer-Encoding: quoted-printable\r\n";
  out += "\r\n" + QuotedPrintableEncode(*message.html) + "\r\n";
  out += delimiter + "--\r\n";
  return out;
}

}  // namespace vakt::notify::email
