// drift_bench: times vakt's drift statistics on two CSV files, for bench_drift.py.
//
//   drift_bench REF.csv CUR.csv [THREADS] [REPEATS]
//
// Prints one JSON object: CSV parse time, the full default report (all columns, THREADS
// workers, median of REPEATS), and single-threaded totals per statistic over all columns, each
// including the sorts it needs (KS and W1 sort, as scipy's functions sort inside every call;
// PSI bins the unsorted data, as np.histogram does).
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <iostream>
#include <nlohmann/json.hpp>
#include <vector>

#include "diagnose/drift_report.h"
#include "diagnose/drift_stats.h"
#include "diagnose/ks.h"
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
  double ks_ms = 0, w1_ms = 0, psi_ms = 0;
  double checksum = 0;
  for (size_t c = 0; c < ref->columns.size(); ++c) {
    const std::vector<double>& a = ref->columns[c].sample.numbers;
    const std::vector<double>& b = cur->columns[c].sample.numbers;
    for (int stat = 0; stat < 3; ++stat) {
      std::vector<double> x = a;
      std::vector<double> y = b;
      start = Clock::now();
      if (stat == 0) {
        d::SortDoubles(x);
        d::SortDoubles(y);
        checksum += d::KsTwoSample(x, y, d::KsMethod::kAuto).pvalue;
        ks_ms += Ms(start);
      } else if (stat == 1) {
        d::SortDoubles(x);
        d::SortDoubles(y);
        checksum += d::WassersteinDistance(x, y);
        w1_ms += Ms(start);
      } else {
        // PSI needs no sort: like np.histogram, bin the unsorted data directly.
        d::SturgesBinning bins = d::BinSturgesUnsorted(x, y);
        std::vector<double> p = d::Proportions(bins.ref_counts, static_cast<int64_t>(x.size()));
        std::vector<double> q = d::Proportions(bins.cur_counts, static_cast<int64_t>(y.size()));
        d::FillZeroProportions(p);
        d::FillZeroProportions(q);
        checksum += d::Psi(p, q);
        psi_ms += Ms(start);
      }
    }
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
      {"wasserstein_ms", w1_ms},
      {"psi_sturges_ms", psi_ms},
      {"checksum", checksum},
  };
  std::cout << out.dump() << "\n";
  return 0;
}
