#include "notify/webhook/standard_webhooks.h"

#include <gtest/gtest.h>

namespace vakt::notify::webhook {
namespace {

// The Standard Webhooks specification's published test vector.
constexpr std::string_view kSpecSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
constexpr std::string_view kSpecId = "msg_p5jXN8AQM9LWM0D4loKWxJek";
constexpr std::int64_t kSpecTimestamp = 1614265330;
constexpr std::string_view kSpecBody = R"({"test": 2432232314})";
constexpr std::string_view kSpecSignature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
constexpr TimeMs kSpecNow = kSpecTimestamp * 1000;

std::string SpecKey() {
  Result<std::string> key = DecodeWebhookSecret(kSpecSecret);
  EXPECT_TRUE(key.ok());
  return key.ok() ? *key : std::string();
}

SignedHeaders SpecHeaders() {
  return {std::string(kSpecId), std::to_string(kSpecTimestamp), std::string(kSpecSignature)};
}

TEST(StandardWebhooksTest, SignatureMatchesTheSpecTestVector) {
  EXPECT_EQ(SignWebhook(SpecKey(), kSpecId, kSpecTimestamp, kSpecBody), kSpecSignature);
}

TEST(StandardWebhooksTest, VerifiesTheSpecTestVector) {
  EXPECT_TRUE(VerifyWebhook(SpecKey(), SpecHeaders(), kSpecBody, kSpecNow).ok());
}

TEST(StandardWebhooksTest, AcceptsAnyOfSeveralSpaceSeparatedSignatures) {
  SignedHeaders headers = SpecHeaders();
  headers.signature = "v1,bm90IHRoaXMgb25l v1a,ZWQyNTUxOQ== " + std::string(kSpecSignature);
  EXPECT_TRUE(VerifyWebhook(SpecKey(), headers, kSpecBody, kSpecNow).ok());
}

TEST(StandardWebhooksTest, RejectsTamperingAndReplay) {
  struct Case {
    const char* name;
    SignedHeaders headers;
    std::string body;
    TimeMs now;
  };
  const SignedHeaders good = SpecHeaders();
  const std::string body(kSpecBody);
  const Case cases[] = {
      {"body changed", good, R"({"test": 2432232315})", kSpecNow},
      {"id changed", {"msg_other", good.timestamp, good.signature}, body, kSpecNow},
      {"timestamp changed", {good.id, "1614265331", good.signature}, body, kSpecNow + 1000},
      {"too old", good, body, kSpecNow + (kDefaultToleranceSeconds + 1) * 1000},
      {"too far in the future", good, body, kSpecNow - (kDefaultToleranceSeconds + 1) * 1000},
      {"unknown version with the right MAC", {good.id, good.timestamp, "v2," + good.signature.substr(3)}, body, kSpecNow},
      {"signature without version", {good.id, good.timestamp, good.signature.substr(3)}, body, kSpecNow},
      {"missing signature", {good.id, good.timestamp, ""}, body, kSpecNow},
      {"missing id", {"", good.timestamp, good.signature}, body, kSpecNow},
      {"non-numeric timestamp", {good.id, "1614265330x", good.signature}, body, kSpecNow},
  };
  for (const Case& c : cases) {
    const Status status = VerifyWebhook(SpecKey(), c.headers, c.body, c.now);
    EXPECT_EQ(status.code(), StatusCode::kUnauthenticated) << c.name << ": " << status.ToString();
  }
}

TEST(StandardWebhooksTest, RejectsTheWrongKey) {
  Result<std::string> other = DecodeWebhookSecret("whsec_c2VjcmV0LW9mLWEtcm90YXRlZC1lbmRwb2ludA==");
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(VerifyWebhook(*other, SpecHeaders(), kSpecBody, kSpecNow).code(),
            StatusCode::kUnauthenticated);
}

TEST(StandardWebhooksTest, SecretPrefixIsOptional) {
  Result<std::string> bare = DecodeWebhookSecret(kSpecSecret.substr(6));
  ASSERT_TRUE(bare.ok());
  EXPECT_EQ(*bare, SpecKey());
}

TEST(StandardWebhooksTest, BadSecretsAreRejectedWithoutEchoingThem) {
  for (const char* secret : {"whsec_not*base64!", "whsec_c2hvcnQ="}) {
    Result<std::string> key = DecodeWebhookSecret(secret);
    ASSERT_FALSE(key.ok()) << secret;
    EXPECT_EQ(key.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(key.status().message().find(std::string(secret).substr(6)), std::string::npos);
  }
}

}  // namespace
}  // namespace vakt::notify::webhook
