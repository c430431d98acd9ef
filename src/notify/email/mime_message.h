#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/status.h"

// Building RFC 5322 / MIME messages whose header fields cannot be forged by alert text.
namespace vakt::notify::email {

// EmailMessage is what the e-mail notifier sends; text fields may hold anything an alert carried.
struct EmailMessage {
  std::string from;  // bare address, validated by ValidateMailbox
  std::string to;    // bare address, validated by ValidateMailbox
  std::string subject;
  std::string text;
  std::optional<std::string> html;  // adds a multipart/alternative HTML part
  std::string message_id;           // without angle brackets: "id@domain"
  TimeMs date = 0;
};

// ValidateMailbox accepts a bare addr-spec "local@domain" of printable ASCII without spaces,
// brackets, quotes, commas or semicolons, at most 254 bytes. It is deliberately narrower than
// RFC 5322 (no quoted local parts, no comments, no SMTPUTF8): the address goes both into the SMTP
// envelope and into a header, and anything fancier is a place to smuggle CR/LF or a second
// recipient. Returns InvalidArgument naming `what` otherwise.
Status ValidateMailbox(std::string_view address, std::string_view what);

// SanitizeHeaderText replaces CR, LF and every other control character with a space, so a value
// can never end its header line and start another.
std::string SanitizeHeaderText(std::string_view text);

// EncodeHeaderText returns `text` sanitised and, unless it is short printable ASCII without "=?",
// as RFC 2047 "=?UTF-8?B?...?=" encoded words split on UTF-8 character boundaries and folded onto
// continuation lines, so no header line exceeds 78 characters.
std::string EncodeHeaderText(std::string_view text);

// QuotedPrintableEncode encodes per RFC 2045 §6.7 with CRLF line breaks: any of LF, CR or CRLF in
// the input is a line break; "=", non-ASCII, control characters and a space or tab before a line
// break are encoded; lines are soft-broken to at most 76 characters.
std::string QuotedPrintableEncode(std::string_view text);

// FormatRfc5322Date renders UTC: "Sat, 28 Nov 2026 01:16:56 +0000".
std::string FormatRfc5322Date(TimeMs time);

// BuildMimeMessage renders the message with CRLF line endings: Date, From, To, Subject,
// Message-ID, MIME-Version, then a text/plain UTF-8 quoted-printable body, or a
// multipart/alternative of text and HTML when html is set (`boundary` separates the parts; it
// must not occur in the encoded parts: start it with "=_", which quoted-printable output never
// contains, as EmailNotifier does). Returns
// InvalidArgument for an invalid address or message id.
Result<std::string> BuildMimeMessage(const EmailMessage& message, std::string_view boundary);

}  // namespace vakt::notify::email
