#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/status.h"

// Signing and verification per the Standard Webhooks specification
// (https://www.standardwebhooks.com, spec/standard-webhooks.md): the signed content is
// "{webhook-id}.{webhook-timestamp}.{body}", the MAC is HMAC-SHA256 with the decoded secret, and
// webhook-signature is a space-separated list of "v1,<base64 MAC>" entries (several during key
// rotation).
namespace vakt::notify::webhook {

inline constexpr std::string_view kIdHeader = "webhook-id";
inline constexpr std::string_view kTimestampHeader = "webhook-timestamp";
inline constexpr std::string_view kSignatureHeader = "webhook-signature";
inline constexpr std::int64_t kDefaultToleranceSeconds = 5 * 60;

// DecodeWebhookSecret turns "whsec_<base64>" (the prefix is optional) into key bytes. Returns
// InvalidArgument if the base64 is invalid or the key is shorter than 16 bytes; the message never
// contains the secret.
Result<std::string> DecodeWebhookSecret(std::string_view secret);

// SignWebhook returns the webhook-signature value "v1,<base64(HMAC-SHA256(key, id.ts.body))>".
std::string SignWebhook(std::string_view key, std::string_view id, std::int64_t timestamp_seconds,
                        std::string_view body);

// SignedHeaders are the three header values of one inbound or outbound delivery.
struct SignedHeaders {
  std::string id;
  std::string timestamp;
  std::string signature;
};

// VerifyWebhook checks an inbound delivery. Returns Ok if any "v1," entry of the signature header
// matches (compared in constant time) and the timestamp is within `tolerance_seconds` of `now`;
// Unauthenticated for a missing header, a timestamp outside the tolerance (replay protection)
// or no matching signature. Entries of other versions are ignored, as the spec asks.
Status VerifyWebhook(std::string_view key, const SignedHeaders& headers, std::string_view body,
                     TimeMs now, std::int64_t tolerance_seconds = kDefaultToleranceSeconds);

}  // namespace vakt::notify::webhook
