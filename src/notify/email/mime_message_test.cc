#include "notify/email/mime_message.h"

#include <gtest/gtest.h>

#include "common/crypto.h"

namespace vakt::notify::email {
namespace {

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t end = text.find("\r\n", start);
    if (end == std::string::npos) {
      lines.push_back(text.substr(start));
      break;
    }
    lines.push_back(text.substr(start, end - start));
    start = end + 2;
  }
  return lines;
}

// Decodes quoted-printable (soft breaks, =XX) to check that encoding round-trips.
std::string QpDecode(const std::string& encoded) {
  std::string out;
  for (size_t pos = 0; pos < encoded.size(); ++pos) {
    if (encoded[pos] != '=') {
      out += encoded[pos];
    } else if (encoded.compare(pos + 1, 2, "\r\n") == 0) {
      pos += 2;
    } else {
      out += static_cast<char>(std::stoi(encoded.substr(pos + 1, 2), nullptr, 16));
      pos += 2;
    }
  }
  return out;
}

// True if walking `text` sequence by sequence (it starts on a boundary) ends exactly at its end.
bool EndsOnCharacterBoundary(const std::string& text) {
  size_t pos = 0;
  while (pos < text.size()) {
    const auto lead = static_cast<unsigned char>(text[pos]);
    pos += lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
  }
  return pos == text.size();
}

TEST(QuotedPrintableTest, EncodesTable) {
  struct Case {
    std::string input;
    std::string expected;
  };
  const Case cases[] = {
      {"plain text", "plain text"},
      {"a=b", "a=3Db"},
      {"trailing space \nnext\t", "trailing space=20\r\nnext=09"},
      {"crlf\r\nlf\ncr\rend", "crlf\r\nlf\r\ncr\r\nend"},
      {"\xc3\xa6rlig", "=C3=A6rlig"},
      {std::string("nul\0bell\x07", 9), "nul=00bell=07"},
  };
  for (const Case& c : cases) EXPECT_EQ(QuotedPrintableEncode(c.input), c.expected) << c.input;
}

TEST(QuotedPrintableTest, SoftBreaksLongLinesAndRoundTrips) {
  std::string input;
  for (int index = 0; index < 40; ++index) input += "Drift=h\xc3\xb8y ";
  const std::string encoded = QuotedPrintableEncode(input);
  EXPECT_GT(Lines(encoded).size(), 5u);
  for (const std::string& line : Lines(encoded)) EXPECT_LE(line.size(), 76u) << line;
  // The input's trailing space is encoded, so decoding restores it.
  EXPECT_EQ(QpDecode(encoded), input);
}

TEST(HeaderEncodingTest, ShortAsciiStaysReadable) {
  EXPECT_EQ(EncodeHeaderText("FeatureDrift on ranker"), "FeatureDrift on ranker");
}

TEST(HeaderEncodingTest, LineBreaksCannotStartANewHeader) {
  EXPECT_EQ(EncodeHeaderText("Drift\r\nBcc: evil@example.com"), "Drift  Bcc: evil@example.com");
  EXPECT_EQ(SanitizeHeaderText(std::string("a\rb\nc\0d\x7f", 8)), "a b c d ");
}

TEST(HeaderEncodingTest, NonAsciiBecomesFoldedEncodedWordsOnCharacterBoundaries) {
  std::string subject;
  for (int index = 0; index < 12; ++index) {
    subject += "Modell-drift \xc3\xa6\xc3\xb8\xc3\xa5 \xf0\x9f\x9a\xa8 ";
  }
  const std::string encoded = EncodeHeaderText(subject);
  std::string decoded;
  const std::vector<std::string> lines = Lines(encoded);
  EXPECT_GT(lines.size(), 3u);
  for (std::string line : lines) {
    EXPECT_LE(line.size() + 9, 78u) << "\"Subject: \" plus " << line;
    if (line.front() == ' ') line.erase(0, 1);
    ASSERT_TRUE(line.starts_with("=?UTF-8?B?") && line.ends_with("?=")) << line;
    Result<std::string> chunk = Base64Decode(line.substr(10, line.size() - 12));
    ASSERT_TRUE(chunk.ok());
    EXPECT_TRUE(EndsOnCharacterBoundary(*chunk)) << line;
    decoded += *chunk;
  }
  EXPECT_EQ(decoded, subject);
}

TEST(HeaderEncodingTest, AsciiThatLooksEncodedIsEncoded) {
  EXPECT_TRUE(EncodeHeaderText("=?UTF-8?B?Zm9v?=").starts_with("=?UTF-8?B?PT9"));
}

TEST(MailboxTest, AcceptsPlainAddressesOnly) {
  EXPECT_TRUE(ValidateMailbox("oncall+ml@example.com", "to").ok());
  for (const char* bad : {"", "no-at-sign", "@example.com", "a@", "a@b@c", "a b@c",
                          "a@b\r\nRCPT TO:<evil@x>", "Name <a@b>", "a@b,c@d", "\"q\"@b",
                          "\xc3\xa6@b"}) {
    EXPECT_EQ(ValidateMailbox(bad, "to").code(), StatusCode::kInvalidArgument) << bad;
  }
}

TEST(MimeMessageTest, FormatsDate) {
  EXPECT_EQ(FormatRfc5322Date(1'795'828'616'000), "Sat, 28 Nov 2026 01:16:56 +0000");
}

TEST(MimeMessageTest, BuildsPlainTextMessage) {
  const EmailMessage message{"vakt@example.com", "oncall@example.com", "Drift", "hello",
                             std::nullopt, "abc@example.com", 1'795'828'616'000};
  Result<std::string> built = BuildMimeMessage(message, "");
  ASSERT_TRUE(built.ok()) << built.status().ToString();
  EXPECT_EQ(*built,
            "Date: Sat, 28 Nov 2026 01:16:56 +0000\r\n"
            "From: vakt@example.com\r\n"
            "To: oncall@example.com\r\n"
            "Subject: Drift\r\n"
            "Message-ID: <abc@example.com>\r\n"
            "MIME-Version: 1.0\r\n"
            "Content-Type: text/plain; charset=UTF-8\r\n"
            "Content-Transfer-Encoding: quoted-printable\r\n"
            "\r\n"
            "hello\r\n");
}

TEST(MimeMessageTest, RejectsInvalidAddresses) {
  const EmailMessage message{"vakt@example.com", "a@b>\r\nBcc: x@y", "s", "t", std::nullopt,
                             "abc@example.com", 0};
  EXPECT_EQ(BuildMimeMessage(message, "").status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace vakt::notify::email
