#include "common/metrics.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace vakt {
namespace {

std::string EscapeLabelValue(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string RenderLabels(const MetricsRegistry::Labels& labels, const std::string& extra = "") {
  if (labels.empty() && extra.empty()) return "";
  std::string out = "{";
  bool first = true;
  for (const auto& [name, value] : labels) {
    if (!first) out += ",";
    out += fmt::format("{}=\"{}\"", name, EscapeLabelValue(value));
    first = false;
  }
  if (!extra.empty()) out += (first ? "" : ",") + extra;
  return out + "}";
}

std::string FormatBound(double bound) {
  if (std::isinf(bound)) return "+Inf";
  return fmt::format("{}", bound);
}

}  // namespace

Histogram::Histogram(std::vector<double> upper_bounds)
    : upper_bounds_(std::move(upper_bounds)),
      buckets_(new std::atomic<std::uint64_t>[upper_bounds_.size() + 1]) {
  std::sort(upper_bounds_.begin(), upper_bounds_.end());
  for (size_t idx = 0; idx <= upper_bounds_.size(); ++idx) buckets_[idx].store(0);
}

void Histogram::Observe(double value) {
  size_t bucket = static_cast<size_t>(
      std::lower_bound(upper_bounds_.begin(), upper_bounds_.end(), value) - upper_bounds_.begin());
  buckets_[bucket].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  std::lock_guard lock(sum_mu_);
  sum_ += value;
}

void Histogram::Snapshot(std::vector<std::uint64_t>& cumulative, double& sum,
                         std::uint64_t& count) const {
  cumulative.assign(upper_bounds_.size() + 1, 0);
  std::uint64_t running = 0;
  for (size_t idx = 0; idx <= upper_bounds_.size(); ++idx) {
    running += buckets_[idx].load(std::memory_order_relaxed);
    cumulative[idx] = running;
  }
  count = running;
  std::lock_guard lock(sum_mu_);
  sum = sum_;
}

MetricsRegistry::Family& MetricsRegistry::GetFamily(const std::string& name,
                                                    const std::string& help, Kind kind) {
  auto [it, inserted] = families_.try_emplace(name);
  if (inserted) {
    it->second.kind = kind;
    it->second.help = help;
  }
  return it->second;
}

Counter& MetricsRegistry::GetCounter(const std::string& name, const std::string& help,
                                     const Labels& labels) {
  std::lock_guard lock(mu_);
  auto& slot = GetFamily(name, help, Kind::kCounter).counters[labels];
  if (!slot) slot = std::make_unique<Counter>();
  return *slot;
}

Gauge& MetricsRegistry::GetGauge(const std::string& name, const std::string& help,
                                 const Labels& labels) {
  std::lock_guard lock(mu_);
  auto& slot = GetFamily(name, help, Kind::kGauge).gauges[labels];
  if (!slot) slot = std::make_unique<Gauge>();
  return *slot;
}

Histogram& MetricsRegistry::GetHistogram(const std::string& name, const std::string& help,
                                         const std::vector<double>& upper_bounds,
                                         const Labels& labels) {
  std::lock_guard lock(mu_);
  auto& slot = GetFamily(name, help, Kind::kHistogram).histograms[labels];
  if (!slot) slot = std::make_unique<Histogram>(upper_bounds);
  return *slot;
}

std::string MetricsRegistry::RenderText() const {
  std::lock_guard lock(mu_);
  std::string out;
  for (const auto& [name, family] : families_) {
    const char* type = family.kind == Kind::kCounter ? "counter"
                       : family.kind == Kind::kGauge ? "gauge"
                                                     : "histogram";
    out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, family.help, name, type);
    for (const auto& [labels, counter] : family.counters) {
      out += fmt::format("{}{} {}\n", name, RenderLabels(labels), counter->Value());
    }
    for (const auto& [labels, gauge] : family.gauges) {
      out += fmt::format("{}{} {}\n", name, RenderLabels(labels), gauge->Value());
    }
    for (const auto& [labels, histogram] : family.histograms) {
      std::vector<std::uint64_t> cumulative;
      double sum = 0;
      std::uint64_t count = 0;
      histogram->Snapshot(cumulative, sum, count);
      const auto& bounds = histogram->upper_bounds();
      for (size_t idx = 0; idx <= bounds.size(); ++idx) {
        double bound = idx < bounds.size() ? bounds[idx] : INFINITY;
        out += fmt::format("{}_bucket{} {}\n", name,
                           RenderLabels(labels, fmt::format("le=\"{}\"", FormatBound(bound))),
                           cumulative[idx]);
      }
      out += fmt::format("{}_sum{} {}\n{}_count{} {}\n", name, RenderLabels(labels), sum, name,
                         RenderLabels(labels), count);
    }
  }
  return out;
}

}  // namespace vakt
