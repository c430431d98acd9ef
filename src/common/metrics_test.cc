#include "common/metrics.h"

#include <gtest/gtest.h>

namespace vakt {
namespace {

TEST(MetricsTest, RendersCountersWithLabelsInTextFormat) {
  MetricsRegistry registry;
  registry.GetCounter("vakt_ingest_alerts_total", "Alerts", {{"endpoint", "am"}}).Increment(3);
  std::string text = registry.RenderText();
  EXPECT_NE(text.find("# TYPE vakt_ingest_alerts_total counter"), std::string::npos);
  EXPECT_NE(text.find("vakt_ingest_alerts_total{endpoint=\"am\"} 3\n"), std::string::npos);
}

TEST(MetricsTest, HistogramBucketsAreCumulative) {
  MetricsRegistry registry;
  auto& histogram = registry.GetHistogram("latency_seconds", "Latency", {0.1, 1});
  histogram.Observe(0.05);
  histogram.Observe(0.5);
  histogram.Observe(5);
  std::string text = registry.RenderText();
  EXPECT_NE(text.find("latency_seconds_bucket{le=\"0.1\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("latency_seconds_bucket{le=\"1\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("latency_seconds_bucket{le=\"+Inf\"} 3\n"), std::string::npos);
  EXPECT_NE(text.find("latency_seconds_count 3\n"), std::string::npos);
}

TEST(MetricsTest, LabelValuesAreEscaped) {
  MetricsRegistry registry;
  registry.GetGauge("g", "G", {{"v", "a\"b\\c\n"}}).Set(1);
  EXPECT_NE(registry.RenderText().find("g{v=\"a\\\"b\\\\c\\n\"} 1"), std::string::npos);
}

}  // namespace
}  // namespace vakt
