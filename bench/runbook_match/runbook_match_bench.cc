// Measures the cost of selecting runbooks for one alert among 10,000 runbooks, with the
// selector index and with a linear scan, on the same generated runbooks and alerts.
//
// Generated set (seeded, deterministic): every runbook names one of 1,000 pipelines by equality;
// alertname is an equality (60%), a literal alternation (30%) or a real regex (10%); some add a
// model equality, a severity negation or regex, and `continue`. `always` extra runbooks have no
// indexable selector (negations and regexes only), the realistic worst case for an index; the
// benchmark argument sets how many.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "dispatch/runbook_matcher.h"

namespace vakt::dispatch {
namespace {

constexpr int kRunbooks = 10'000;
constexpr int kPipelines = 1'000;
constexpr int kAlertnames = 40;
constexpr int kAlerts = 4'096;

runbook::Selector Sel(const std::string& label, const std::string& text) {
  Result<runbook::Selector> selector = runbook::Selector::Parse(label, text);
  if (!selector.ok()) std::abort();
  return std::move(selector).value();
}

// Name builds "<prefix><n>" by append: g++ 12 -O3 warns falsely (-Wrestrict) on prefix + string.
std::string Name(const char* prefix, int n) {
  std::string name(prefix);
  name.append(std::to_string(n));
  return name;
}

struct Fixture {
  std::shared_ptr<const RunbookMatcher> matcher;
  std::vector<LabelSet> alerts;
};

Fixture MakeFixture(int always_check) {
  std::mt19937 rng(42);
  std::vector<runbook::Runbook> runbooks;
  for (int index = 0; index < kRunbooks + always_check; ++index) {
    runbook::Runbook rb;
    rb.metadata.id = Name("rb-", index);
    rb.source_path = Name("gen/", 100000 + index);
    auto& match = rb.detection.match;
    if (index < kRunbooks) {
      match.push_back(Sel("pipeline", Name("p", static_cast<int>(rng() % kPipelines))));
      const int kind = static_cast<int>(rng() % 10);
      const std::string a = Name("Alert", static_cast<int>(rng() % kAlertnames));
      const std::string b = Name("Alert", static_cast<int>(rng() % kAlertnames));
      if (kind < 6) {
        match.push_back(Sel("alertname", a));
      } else if (kind < 9) {
        match.push_back(Sel("alertname", "~" + a + "|" + b));
      } else {
        match.push_back(Sel("alertname", "~Alert1[0-9]"));
      }
      if (rng() % 10 < 3) match.push_back(Sel("model", Name("m", static_cast<int>(rng() % 3000))));
      if (rng() % 10 < 2) match.push_back(Sel("severity", "!info"));
      if (rng() % 10 < 2) match.push_back(Sel("severity", "~page|critical"));
      rb.detection.continue_matching = rng() % 10 < 2;
    } else {
      match.push_back(Sel("severity", "~crit.*"));
      match.push_back(Sel("team", Name("!~t", index % 50) + ".*"));
    }
    runbooks.push_back(std::move(rb));
  }
  Result<runbook::RunbookSet> set = runbook::RunbookSet::Create(std::move(runbooks));
  if (!set.ok()) std::abort();
  Fixture fixture;
  fixture.matcher = std::make_shared<const RunbookMatcher>(
      RunbookMatcher::Build(std::make_shared<const runbook::RunbookSet>(std::move(*set))));
  const char* severities[] = {"info", "warning", "page", "critical"};
  for (int index = 0; index < kAlerts; ++index) {
    LabelSet labels;
    labels["alertname"] = Name("Alert", static_cast<int>(rng() % kAlertnames));
    labels["pipeline"] = Name("p", static_cast<int>(rng() % kPipelines));
    labels["model"] = Name("m", static_cast<int>(rng() % 3000));
    labels["severity"] = severities[rng() % 4];
    labels["team"] = Name("t", static_cast<int>(rng() % 50));
    labels["instance"] = Name("10.0.0.", static_cast<int>(rng() % 250)) + ":9090";
    labels["env"] = "prod";
    fixture.alerts.push_back(std::move(labels));
  }
  // The benchmark is only meaningful if both paths agree.
  std::vector<std::uint32_t> indexed;
  std::vector<std::uint32_t> linear;
  for (const LabelSet& labels : fixture.alerts) {
    fixture.matcher->index().Match(labels, &indexed);
    fixture.matcher->index().MatchLinear(labels, &linear);
    if (indexed != linear) {
      std::fprintf(stderr, "index and linear scan disagree\n");
      std::abort();
    }
  }
  return fixture;
}

const Fixture& GetFixture(int always_check) {
  static std::map<int, Fixture> fixtures;
  auto it = fixtures.find(always_check);
  if (it == fixtures.end()) it = fixtures.emplace(always_check, MakeFixture(always_check)).first;
  return it->second;
}

void BM_IndexMatch(benchmark::State& state) {
  const Fixture& fixture = GetFixture(static_cast<int>(state.range(0)));
  std::vector<std::uint32_t> out;
  size_t next = 0;
  size_t matched = 0;
  for (auto _ : state) {
    fixture.matcher->index().Match(fixture.alerts[next++ % kAlerts], &out);
    matched += out.size();
    benchmark::DoNotOptimize(out.data());
  }
  state.counters["matches_per_alert"] =
      static_cast<double>(matched) / static_cast<double>(state.iterations());
  state.counters["always_check"] =
      static_cast<double>(fixture.matcher->index().always_check_count());
}

void BM_LinearScan(benchmark::State& state) {
  const Fixture& fixture = GetFixture(static_cast<int>(state.range(0)));
  std::vector<std::uint32_t> out;
  size_t next = 0;
  for (auto _ : state) {
    fixture.matcher->index().MatchLinear(fixture.alerts[next++ % kAlerts], &out);
    benchmark::DoNotOptimize(out.data());
  }
}

// RunbookMatcher::Match = index + mapping to runbooks + default fallback (allocates the result).
void BM_RunbookMatcherMatch(benchmark::State& state) {
  const Fixture& fixture = GetFixture(static_cast<int>(state.range(0)));
  size_t next = 0;
  for (auto _ : state) {
    auto selected = fixture.matcher->Match(fixture.alerts[next++ % kAlerts]);
    benchmark::DoNotOptimize(selected.data());
  }
}

BENCHMARK(BM_IndexMatch)->Arg(0)->Arg(10)->Arg(100);
BENCHMARK(BM_LinearScan)->Arg(0)->Arg(10)->Arg(100);
BENCHMARK(BM_RunbookMatcherMatch)->Arg(10);

}  // namespace
}  // namespace vakt::dispatch

BENCHMARK_MAIN();
