#include "action/dry_run.h"

#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace vakt::action {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

HttpAction RouterShift() {
  HttpAction http;
  http.method = "post";
  http.url = "https://ops:hunter2@router.internal/routes/fraud?weight=0&access_token=abc123";
  http.headers = {{"Authorization", "Bearer sk-live-123"}, {"X-Team", "payments"}};
  http.body = R"({"model":"fraud-v7","weight":0,"auth":{"api_key":"k-999"}})";
  http.timeout_ms = 5'000;
  return http;
}

TEST(DryRunTest, HttpDescriptionShowsRequestWithSecretsRedacted) {
  nlohmann::json description = DescribeAction(RouterShift());
  EXPECT_EQ(description["kind"], "http");
  EXPECT_EQ(description["method"], "POST");
  EXPECT_EQ(description["url"],
            "https://ops:<redacted>@router.internal/routes/fraud?weight=0&access_token=<redacted>");
  EXPECT_EQ(description["headers"],
            nlohmann::json::parse(R"([["Authorization","<redacted>"],["X-Team","payments"]])"));
  EXPECT_EQ(description["body"], nlohmann::json::parse(
                                     R"({"model":"fraud-v7","weight":0,"auth":{"api_key":"<redacted>"}})"));
  EXPECT_EQ(description["timeout_ms"], 5'000);
  const std::string text = description.dump();
  for (const char* secret : {"hunter2", "abc123", "sk-live-123", "k-999"}) {
    EXPECT_THAT(text, Not(HasSubstr(secret))) << secret;
  }
}

TEST(DryRunTest, CommandDescriptionShowsArgvAndEnvNamesOnly) {
  CommandAction command;
  command.argv = {"kubectl", "rollout", "undo", "deploy/fraud", "--to-revision=6"};
  command.env = {{"KUBECONFIG", "/etc/vakt/kube"}, {"DEPLOY_TOKEN", "t0ps3cret"}};
  command.timeout_ms = 60'000;
  nlohmann::json description = DescribeAction(command);
  EXPECT_EQ(description["argv"], nlohmann::json(command.argv));
  EXPECT_EQ(description["env_names"], nlohmann::json::parse(R"(["DEPLOY_TOKEN","KUBECONFIG"])"));
  EXPECT_EQ(description["working_dir"], "/");
  EXPECT_EQ(description["timeout_ms"], 60'000);
  EXPECT_THAT(description.dump(), Not(HasSubstr("t0ps3cret")));
}

TEST(DryRunTest, ContentHashIsTheApprovalHashOfTheUnredactedAction) {
  HttpAction http = RouterShift();
  nlohmann::json description = DescribeAction(http);
  EXPECT_EQ(description["content_hash"], ActionContentHash(http));
  EXPECT_EQ(description["content_hash"].get<std::string>().size(), 64u);
  // A change hidden by redaction still changes the hash an approval binds to.
  HttpAction other_secret = http;
  other_secret.headers[0].second = "Bearer sk-live-456";
  EXPECT_NE(DescribeAction(other_secret)["content_hash"], description["content_hash"]);
}

// Table: which changes count as "the action changed" for approvals.
TEST(ContentHashTest, ChangesThatMatterChangeTheHash) {
  const HttpAction base = RouterShift();
  struct Case {
    std::string name;
    HttpAction variant;
    bool same_hash;
  };
  std::vector<Case> cases;
  auto add = [&](std::string name, bool same, auto mutate) {
    HttpAction variant = base;
    mutate(variant);
    cases.push_back({std::move(name), std::move(variant), same});
  };
  add("identical", true, [](HttpAction&) {});
  add("method case", true, [](HttpAction& a) { a.method = "POST"; });
  add("header name case", true, [](HttpAction& a) { a.headers[1].first = "x-team"; });
  add("header order across names", true,
      [](HttpAction& a) { std::swap(a.headers[0], a.headers[1]); });
  add("timeout only", true, [](HttpAction& a) { a.timeout_ms = 1; });
  add("url", false, [](HttpAction& a) { a.url += "x"; });
  add("method", false, [](HttpAction& a) { a.method = "PUT"; });
  add("body byte", false, [](HttpAction& a) { a.body[a.body.size() - 2] = ' '; });
  add("header value", false, [](HttpAction& a) { a.headers[1].second = "risk"; });
  add("extra header", false, [](HttpAction& a) { a.headers.push_back({"X-Dry", "1"}); });
  add("invalid utf8 a", false, [](HttpAction& a) { a.body = "\xff"; });
  for (const auto& test_case : cases) {
    EXPECT_EQ(ActionContentHash(test_case.variant) == ActionContentHash(base), test_case.same_hash)
        << test_case.name;
  }
  HttpAction bad_a = base;
  bad_a.body = "\xff";
  HttpAction bad_b = base;
  bad_b.body = "\xfe";
  EXPECT_NE(ActionContentHash(bad_a), ActionContentHash(bad_b));
}

TEST(ContentHashTest, CommandArgvBoundariesMatter) {
  CommandAction split;
  split.argv = {"/bin/echo", "a b"};
  CommandAction joined;
  joined.argv = {"/bin/echo", "a", "b"};
  EXPECT_NE(ActionContentHash(split), ActionContentHash(joined));
  CommandAction with_env = split;
  with_env.env = {{"MODEL", "v7"}};
  EXPECT_NE(ActionContentHash(split), ActionContentHash(with_env));
  CommandAction explicit_root = split;
  explicit_root.working_dir = "/";
  EXPECT_EQ(ActionContentHash(split), ActionContentHash(explicit_root));
}

}  // namespace
}  // namespace vakt::action
