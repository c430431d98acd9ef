#include "notify/webhook/standard_webhooks.h"

#include <charconv>

#include "common/crypto.h"

namespace vakt::notify::webhook {

Result<std::string> DecodeWebhookSecret(std::string_view secret) {
  constexpr std::string_view kPrefix = "whsec_";
  if (secret.starts_with(kPrefix)) secret.remove_prefix(kPrefix.size());
  Result<std::string> key = Base64Decode(secret);
  if (!key.ok()) return Status::InvalidArgument("webhook secret is not valid base64");
  if (key->size() < 16) {
    return Status::InvalidArgument("webhook secret is shorter than 16 bytes");
  }
  return key;
}

namespace {

// Signs the timestamp exactly as it appears in the header, so verification does not depend on
// how the sender formatted the number.
std::string SignContent(std::string_view key, std::string_view id, std::string_view timestamp,
                        std::string_view body) {
  std::string content;
  content.reserve(id.size() + timestamp.size() + body.size() + 2);
  content.append(id).append(".").append(timestamp).append(".").append(body);
  return "v1," + Base64Encode(HmacSha256(key, content));
}

}  // namespace

std::string SignWebhook(std::string_view key, std::string_view id, std::int64_t timestamp_seconds,
                        std::string_view body) {
  return SignContent(key, id, std::to_string(timestamp_seconds), body);
}

Status VerifyWebhook(std::string_view key, const SignedHeaders& headers, std::string_view body,
                     TimeMs now, std::int64_t tolerance_seconds) {
  if (headers.id.empty() || headers.timestamp.empty() || headers.signature.empty()) {
    return Status::Unauthenticated("webhook: missing webhook-id, -timestamp or -signature");
  }
  std::int64_t timestamp = 0;
  const char* begin = headers.timestamp.data();
  const char* end = begin + headers.timestamp.size();
  const auto [parsed_end, error] = std::from_chars(begin, end, timestamp);
  if (error != std::errc() || parsed_end != end) {
    return Status::Unauthenticated("webhook: webhook-timestamp is not an integer");
  }
  const std::int64_t now_seconds = now / 1000;
  if (timestamp < now_seconds - tolerance_seconds || timestamp > now_seconds + tolerance_seconds) {
    return Status::Unauthenticated("webhook: timestamp outside the " +
                                   std::to_string(tolerance_seconds) + "s tolerance");
  }
  const std::string expected = SignContent(key, headers.id, headers.timestamp, body);
  std::string_view rest = headers.signature;
  bool matched = false;
  while (!rest.empty()) {
    const size_t space = rest.find(' ');
    const std::string_view entry = rest.substr(0, space);
    rest = space == std::string_view::npos ? std::string_view() : rest.substr(space + 1);
    // Check every entry, without stopping early, so timing says nothing about which one matched.
    if (entry.starts_with("v1,") && ConstantTimeEquals(entry, expected)) matched = true;
  }
  if (!matched) return Status::Unauthenticated("webhook: no signature matches");
  return Status::Ok();
}

}  // namespace vakt::notify::webhook
