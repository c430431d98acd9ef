// drift_bench: times vakt's drift statistics on two CSV files, for bench_drift.py.
//
//   drift_bench REF.csv CUR.csv [THREADS] [REPEATS]
//
// Prints one JSON object: CSV parse time, the full default report (all columns, THREADS
// workers, median of REPEATS), and totals per statistic over all columns, each on unsorted
// column copies as scipy's functions get them and including whatever sorting it needs: KS
// (KsTwoSampleUnsorted: buckets, sorts only the few candidate buckets), W1 (sorts both
// samples), PSI (bins the unsorted data, as np.histogram does). Per-statistic totals are taken
// on 1 thread and again with the columns split over THREADS threads (as the full report does);
// KS through the previous full-sort path (SortDoubles + KsTwoSample) is reported too.
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <functional>
#include <iostream>
#include <nlohmann/json.hpp>
#include <span>
#include <vector>

#include "diagnose/drift_report.h"
#include "diagnose/drift_stats.h"
#include "diagnose/ks.h"
#include "diagnose/parallel.h"
#include "diagnose/sort.h"
#include "diagnose/table_reader.h"

namespace {

using Clock = std::chrono::steady_clock;

double Ms(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// CpuMs is the CPU time of all of this process's threads. On a shared machine wall time also
// counts the time other jobs hold the cores; CPU time is closer to the compute the work needs.
double CpuMs() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: drift_bench REF.csv CUR.csv [THREADS] [REPEATS]\n";
    return 2;
  }
  namespace d = vakt::diagnose;
  const unsigned threads = argc > 3 ? static_cast<unsigned>(std::atoi(argv[3])) : 0;
  const int repeats = argc > 4 ? std::max(1, std::atoi(argv[4])) : 3;

  auto start = Clock::now();
  vakt::Result<d::Table> ref = d::ReadTable(argv[1], {});
  const double parse_ref_ms = Ms(start);
  start = Clock::now();
  vakt::Result<d::Table> cur = d::ReadTable(argv[2], {});
  const double parse_cur_ms = Ms(start);
  if (!ref.ok() || !cur.ok()) {
    std::cerr << (ref.ok() ? cur.status() : ref.status()).ToString() << "\n";
    return 2;
  }

  std::vector<double> report_ms;
  std::vector<double> report_cpu_ms;
  d::DriftReportOptions options;
  options.threads = threads;
  int64_t drifted = 0;
  for (int r = 0; r < repeats; ++r) {
    d::Table ref_copy = *ref;
    d::Table cur_copy = *cur;
    start = Clock::now();
    const double cpu_start = CpuMs();
    vakt::Result<d::DriftReport> report =
        d::CompareTables(std::move(ref_copy), std::move(cur_copy), options);
    report_ms.push_back(Ms(start));
    report_cpu_ms.push_back(CpuMs() - cpu_start);
    if (!report.ok()) {
      std::cerr << report.status().ToString() << "\n";
      return 2;
    }
    drifted = report->dataset.drifted_columns;
  }

  // Per statistic, one thread, summed over columns; sorting included in each.
  // Wall time, and CPU time of the process (only this thread runs here), which other jobs on a
  // shared machine inflate much less.
  double ks_ms = 0, ks_sorting_ms = 0, w1_ms = 0, psi_ms = 0;
  double ks_cpu_ms = 0, w1_cpu_ms = 0, psi_cpu_ms = 0;
  double checksum = 0;
  auto psi_of = [](std::span<const double> x, std::span<const double> y) {
    // PSI needs no sort: like np.histogram, bin the unsorted data directly.
    d::SturgesBinning bins = d::BinSturgesUnsorted(x, y);
    std::vector<double> p = d::Proportions(bins.ref_counts, static_cast<int64_t>(x.size()));
    std::vector<double> q = d::Proportions(bins.cur_counts, static_cast<int64_t>(y.size()));
    d::FillZeroProportions(p);
    d::FillZeroProportions(q);
    return d::Psi(p, q);
  };
  const size_t columns = ref->columns.size();
  for (size_t c = 0; c < columns; ++c) {
    const std::vector<double>& a = ref->columns[c].sample.numbers;
    const std::vector<double>& b = cur->columns[c].sample.numbers;
    for (int stat = 0; stat < 4; ++stat) {
      std::vector<double> x = a;
      std::vector<double> y = b;
      start = Clock::now();
      const double cpu_start = CpuMs();
      if (stat == 0) {
        checksum += d::KsTwoSampleUnsorted(x, y, d::KsMethod::kAuto).pvalue;
        ks_ms += Ms(start);
        ks_cpu_ms += CpuMs() - cpu_start;
      } else if (stat == 1) {
        d::SortDoubles(x);
        d::SortDoubles(y);
        checksum += d::WassersteinDistance(x, y);
        w1_ms += Ms(start);
        w1_cpu_ms += CpuMs() - cpu_start;
      } else if (stat == 2) {
        checksum += psi_of(x, y);
        psi_ms += Ms(start);
        psi_cpu_ms += CpuMs() - cpu_start;
      } else {
        d::SortDoubles(x);
        d::SortDoubles(y);
        d::KsTwoSample(x, y, d::KsMethod::kAuto);
        ks_sorting_ms += Ms(start);
      }
    }
  }

  // The same per-statistic totals with the columns split over `threads` threads: wall time of
  // the whole loop, and the CPU time of all threads. Inputs are copied beforehand, as above.
  const unsigned stat_threads = threads == 0 ? 2 : threads;
  double ks_mt_ms = 0, w1_mt_ms = 0, psi_mt_ms = 0;
  double ks_mt_cpu_ms = 0, w1_mt_cpu_ms = 0, psi_mt_cpu_ms = 0;
  double checksum_mt = 0;
  {
    std::vector<double> results(columns);
    auto timed = [&](const std::function<void(size_t)>& body, double* wall, double* cpu) {
      const auto wall_start = Clock::now();
      const double cpu_start = CpuMs();
      d::ParallelFor(columns, stat_threads, body);
      *wall = Ms(wall_start);
      *cpu = CpuMs() - cpu_start;
      for (double r : results) checksum_mt += r;
    };
    timed(
        [&](size_t c) {
          results[c] = d::KsTwoSampleUnsorted(ref->columns[c].sample.numbers,
                                              cur->columns[c].sample.numbers, d::KsMethod::kAuto)
                           .pvalue;
        },
        &ks_mt_ms, &ks_mt_cpu_ms);
    std::vector<std::vector<double>> ref_copies(columns);
    std::vector<std::vector<double>> cur_copies(columns);
    for (size_t c = 0; c < columns; ++c) {
      ref_copies[c] = ref->columns[c].sample.numbers;
      cur_copies[c] = cur->columns[c].sample.numbers;
    }
    timed(
        [&](size_t c) {
          d::SortDoubles(ref_copies[c]);
          d::SortDoubles(cur_copies[c]);
          results[c] = d::WassersteinDistance(ref_copies[c], cur_copies[c]);
        },
        &w1_mt_ms, &w1_mt_cpu_ms);
    timed(
        [&](size_t c) {
          results[c] = psi_of(ref->columns[c].sample.numbers, cur->columns[c].sample.numbers);
        },
        &psi_mt_ms, &psi_mt_cpu_ms);
  }
  nlohmann::json out = {
      {"rows_reference", ref->rows},
      {"rows_current", cur->rows},
      {"columns", ref->columns.size()},
      {"threads", threads},
      {"parse_reference_ms", parse_ref_ms},
      {"parse_current_ms", parse_cur_ms},
      {"report_ms_median", Median(report_ms)},
      {"report_ms_all", report_ms},
      {"report_cpu_ms_median", Median(report_cpu_ms)},
      {"drifted_columns", drifted},
      {"ks_2samp_ms", ks_ms},
      {"ks_2samp_cpu_ms", ks_cpu_ms},
      {"wasserstein_cpu_ms", w1_cpu_ms},
      {"psi_sturges_cpu_ms", psi_cpu_ms},
      {"ks_2samp_full_sort_ms", ks_sorting_ms},
      {"wasserstein_ms", w1_ms},
      {"psi_sturges_ms", psi_ms},
      {"checksum", checksum},
      {"per_statistic_threads", stat_threads},
      {"ks_2samp_mt_ms", ks_mt_ms},
      {"wasserstein_mt_ms", w1_mt_ms},
      {"psi_sturges_mt_ms", psi_mt_ms},
      {"ks_2samp_mt_cpu_ms", ks_mt_cpu_ms},
      {"wasserstein_mt_cpu_ms", w1_mt_cpu_ms},
      {"psi_sturges_mt_cpu_ms", psi_mt_cpu_ms},
      {"checksum_mt", checksum_mt},
  };
  std::cout << out.dump() << "\n";
  return 0;
}
