// The Prometheus client against a real Prometheus 2.42 (skipped, with the reason, when the
// Debian package is not installed), plus servers that misbehave on purpose.
#include "diagnose/prometheus_client.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cmath>

#include "diagnose/testing/prometheus_peer.h"

namespace vakt::diagnose {
namespace {

TimeMs WallNow() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class PrometheusClientTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    peer_ = new testing::PrometheusPeer();
    skip_reason_ = new std::string(peer_->Start());
  }
  static void TearDownTestSuite() {
    delete peer_;
    delete skip_reason_;
  }
  void SetUp() override {
    if (!skip_reason_->empty()) GTEST_SKIP() << *skip_reason_;
  }
  PrometheusClient Client() const {
    PrometheusClientOptions options;
    options.base_url = peer_->url();
    return PrometheusClient(options);
  }
  static testing::PrometheusPeer* peer_;
  static std::string* skip_reason_;
};
testing::PrometheusPeer* PrometheusClientTest::peer_ = nullptr;
std::string* PrometheusClientTest::skip_reason_ = nullptr;

TEST_F(PrometheusClientTest, InstantQueryReturnsTheDeadTargetWithUpZero) {
  auto result = Client().Query("up{job=\"fraud-serving\"} == 0", WallNow());
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->result_type, "vector");
  ASSERT_EQ(result->series.size(), 1u);
  EXPECT_EQ(result->series[0].labels.at("job"), "fraud-serving");
  EXPECT_EQ(result->series[0].samples.at(0).value, 0.0);
}

TEST_F(PrometheusClientTest, RangeQueryReturnsOneSamplePerStep) {
  const TimeMs end = WallNow();
  auto result = Client().QueryRange("vector(7)", end - 10'000, end, 1'000);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->result_type, "matrix");
  ASSERT_EQ(result->series.size(), 1u);
  EXPECT_EQ(result->series[0].samples.size(), 11u);
  EXPECT_EQ(result->series[0].samples.back().value, 7.0);
}

TEST_F(PrometheusClientTest, ScalarResultIsOneUnlabelledSeries) {
  auto result = Client().Query("scalar(vector(2.5))", WallNow());
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->result_type, "scalar");
  ASSERT_EQ(result->series.size(), 1u);
  EXPECT_TRUE(result->series[0].labels.empty());
  EXPECT_EQ(result->series[0].samples[0].value, 2.5);
}

TEST_F(PrometheusClientTest, BadExpressionIsInvalidArgumentWithPrometheusMessage) {
  auto result = Client().Query("sum(rate(x[5m]", WallNow());
  ASSERT_EQ(result.status().code(), StatusCode::kInvalidArgument) << result.status().ToString();
  EXPECT_NE(result.status().message().find("bad_data"), std::string::npos)
      << result.status().message();
}

TEST_F(PrometheusClientTest, AnswerOverTheSizeCapIsResourceExhausted) {
  PrometheusClientOptions options;
  options.base_url = peer_->url();
  options.max_response_bytes = 64;
  const TimeMs end = WallNow();
  auto result = PrometheusClient(options).QueryRange("vector(1)", end - 60'000, end, 1'000);
  EXPECT_EQ(result.status().code(), StatusCode::kResourceExhausted) << result.status().ToString();
}

TEST_F(PrometheusClientTest, AnswerOverTheSeriesLimitIsResourceExhausted) {
  PrometheusClientOptions options;
  options.base_url = peer_->url();
  options.max_series = 1;
  auto result = PrometheusClient(options).Query("vector(1) or label_replace(vector(2), \"x\", \"y\", \"\", \"\")", WallNow());
  EXPECT_EQ(result.status().code(), StatusCode::kResourceExhausted) << result.status().ToString();
}

TEST(PrometheusClientFailureTest, ClosedPortIsUnavailable) {
  PrometheusClientOptions options;
  options.base_url = "http://127.0.0.1:" + std::to_string(testing::FreeLoopbackPort());
  auto result = PrometheusClient(options).Query("up", 0);
  EXPECT_EQ(result.status().code(), StatusCode::kUnavailable) << result.status().ToString();
}

TEST(PrometheusClientFailureTest, ServerThatNeverAnswersTimesOutAsDeadlineExceeded) {
  // A listening socket that never accepts: the connection completes (backlog), no answer comes.
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
  ASSERT_EQ(::listen(fd, 4), 0);
  socklen_t length = sizeof(address);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  PrometheusClientOptions options;
  options.base_url = "http://127.0.0.1:" + std::to_string(ntohs(address.sin_port));
  options.timeout_ms = 300;
  const auto start = std::chrono::steady_clock::now();
  auto result = PrometheusClient(options).Query("up", 0);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ::close(fd);
  EXPECT_EQ(result.status().code(), StatusCode::kDeadlineExceeded) << result.status().ToString();
  EXPECT_LT(elapsed, std::chrono::seconds(5));
}

TEST(PrometheusClientFailureTest, MissingBaseUrlIsFailedPrecondition) {
  auto result = PrometheusClient(PrometheusClientOptions{}).Query("up", 0);
  EXPECT_EQ(result.status().code(), StatusCode::kFailedPrecondition);
}

TEST(PrometheusResponseTest, ErrorAnswersMapToStatusCodes) {
  PrometheusClientOptions limits;
  EXPECT_EQ(ParsePrometheusResponse(R"({"status":"error","errorType":"bad_data","error":"x"})",
                                    limits).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ParsePrometheusResponse(R"({"status":"error","errorType":"timeout","error":"x"})",
                                    limits).status().code(),
            StatusCode::kDeadlineExceeded);
  EXPECT_EQ(ParsePrometheusResponse("<html>", limits).status().code(), StatusCode::kInternal);
}

TEST(PrometheusResponseTest, SpecialValuesDecode) {
  auto result = ParsePrometheusResponse(
      R"({"status":"success","data":{"resultType":"vector","result":[)"
      R"({"metric":{"a":"1"},"value":[1.5,"+Inf"]},{"metric":{},"value":[2,"NaN"]}]}})",
      PrometheusClientOptions{});
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  ASSERT_EQ(result->series.size(), 2u);
  EXPECT_EQ(result->series[0].samples[0].time, 1500);
  EXPECT_TRUE(std::isinf(result->series[0].samples[0].value));
  EXPECT_TRUE(std::isnan(result->series[1].samples[0].value));
}

}  // namespace
}  // namespace vakt::diagnose
