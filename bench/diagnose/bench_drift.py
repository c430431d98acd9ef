#!/usr/bin/python3
"""Benchmark: vakt's drift statistics vs scipy/numpy on the same seeded data, in one run.

  /usr/bin/python3 bench/diagnose/bench_drift.py --driver build/diagnose-release/bench/diagnose/drift_bench

Generates reference and current CSVs (ROWS x COLS, float64 rounded to 6 decimals, N(0,1)
reference; current shifted by 0.05 * column index), runs the C++ driver (CSV parse, full default
report with 2 threads, per-statistic totals on 1 thread and with the columns over 2 threads) and
the scipy/numpy equivalents on the very same arrays (scipy.stats.ks_2samp method auto,
scipy.stats.wasserstein_distance, PSI with Evidently's Sturges bins via numpy), and prints a Markdown table. Bounded: with the defaults
(200k x 50, as in issue 6) the whole run takes about 1-2 minutes on 2 vCPUs.
"""
import argparse
import json
import os
import platform
import subprocess
import time

import numpy as np
import scipy
from scipy import stats


def psi_sturges(ref, cur):
    edges = np.histogram_bin_edges(np.concatenate([ref, cur]), bins='sturges')
    p = np.histogram(ref, edges)[0] / len(ref)
    q = np.histogram(cur, edges)[0] / len(cur)
    for arr in (p, q):
        nz = arr[arr != 0]
        arr[arr == 0] = nz.min() / 1e6 if nz.min() <= 1e-4 else 1e-4
    return float(np.sum((p - q) * np.log(p / q)))


def write_csv(path, data):
    header = ','.join(f'f{i}' for i in range(data.shape[1]))
    np.savetxt(path, data, fmt='%.6f', delimiter=',', header=header, comments='')


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--driver', required=True)
    ap.add_argument('--rows', type=int, default=200_000)
    ap.add_argument('--cols', type=int, default=50)
    ap.add_argument('--seed', type=int, default=6)
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--out-dir', default='/tmp/vakt-bench-diagnose')
    args = ap.parse_args()
    os.makedirs(args.out_dir, exist_ok=True)

    load_start = os.getloadavg()
    rng = np.random.default_rng(args.seed)
    ref = np.round(rng.normal(0.0, 1.0, (args.rows, args.cols)), 6)
    shifts = 0.05 * np.arange(args.cols)
    cur = np.round(rng.normal(0.0, 1.0, (args.rows, args.cols)) + shifts, 6)
    ref_path = os.path.join(args.out_dir, 'reference.csv')
    cur_path = os.path.join(args.out_dir, 'current.csv')
    t = time.perf_counter()
    write_csv(ref_path, ref)
    write_csv(cur_path, cur)
    gen_s = time.perf_counter() - t

    t = time.perf_counter()
    out = subprocess.run([args.driver, ref_path, cur_path, str(args.threads), '3'],
                         check=True, capture_output=True, text=True)
    vakt_wall_s = time.perf_counter() - t
    v = json.loads(out.stdout)

    # numpy CSV parsing of one file, for the parse comparison.
    t = time.perf_counter()
    parsed = np.loadtxt(ref_path, delimiter=',', skiprows=1)
    np_parse_s = time.perf_counter() - t
    assert parsed.shape == ref.shape

    timings = {}
    results = {}
    for name, fn in (('ks_2samp', lambda a, b: stats.ks_2samp(a, b).pvalue),
                     ('wasserstein', stats.wasserstein_distance),
                     ('psi_sturges', psi_sturges)):
        t = time.perf_counter()
        results[name] = [fn(ref[:, c], cur[:, c]) for c in range(args.cols)]
        timings[name] = (time.perf_counter() - t) * 1000

    cpu = 'unknown'
    try:
        with open('/proc/cpuinfo') as f:
            for line in f:
                if line.startswith('model name'):
                    cpu = line.split(':', 1)[1].strip()
                    break
    except OSError:
        pass
    scipy_total = sum(timings.values())
    rows = [
        ('CSV parse, both files (vakt, 1 thread each file)',
         f"{v['parse_reference_ms'] + v['parse_current_ms']:.0f} ms",
         f"np.loadtxt one file: {np_parse_s * 1000:.0f} ms (x2 = {2 * np_parse_s * 1000:.0f} ms)",
         f"{2 * np_parse_s * 1000 / (v['parse_reference_ms'] + v['parse_current_ms']):.1f}x"),
        ('KS two-sample (statistic + p-value), 1 thread (wall; CPU)',
         f"{v['ks_2samp_ms']:.0f} ms ({v['ks_2samp_cpu_ms']:.0f} ms CPU)", f"{timings['ks_2samp']:.0f} ms",
         f"{timings['ks_2samp'] / v['ks_2samp_ms']:.1f}x"),
        ('Wasserstein W1, 1 thread (wall; CPU)',
         f"{v['wasserstein_ms']:.0f} ms ({v['wasserstein_cpu_ms']:.0f} ms CPU)",
         f"{timings['wasserstein']:.0f} ms", f"{timings['wasserstein'] / v['wasserstein_ms']:.1f}x"),
        ('PSI, Evidently Sturges bins, 1 thread (wall; CPU)',
         f"{v['psi_sturges_ms']:.0f} ms ({v['psi_sturges_cpu_ms']:.0f} ms CPU)",
         f"{timings['psi_sturges']:.0f} ms", f"{timings['psi_sturges'] / v['psi_sturges_ms']:.1f}x"),
        # The same totals with the columns split over the threads (scipy: one thread, as it runs).
        (f"KS two-sample, columns over {v['per_statistic_threads']} threads (wall; CPU of all threads)",
         f"{v['ks_2samp_mt_ms']:.0f} ms ({v['ks_2samp_mt_cpu_ms']:.0f} ms CPU)",
         f"{timings['ks_2samp']:.0f} ms", f"{timings['ks_2samp'] / v['ks_2samp_mt_ms']:.1f}x"),
        (f"Wasserstein W1, columns over {v['per_statistic_threads']} threads (wall; CPU of all threads)",
         f"{v['wasserstein_mt_ms']:.0f} ms ({v['wasserstein_mt_cpu_ms']:.0f} ms CPU)",
         f"{timings['wasserstein']:.0f} ms",
         f"{timings['wasserstein'] / v['wasserstein_mt_ms']:.1f}x"),
        (f"PSI, columns over {v['per_statistic_threads']} threads (wall; CPU of all threads)",
         f"{v['psi_sturges_mt_ms']:.0f} ms ({v['psi_sturges_mt_cpu_ms']:.0f} ms CPU)",
         f"{timings['psi_sturges']:.0f} ms",
         f"{timings['psi_sturges'] / v['psi_sturges_mt_ms']:.1f}x"),
        ('KS via full sorts (SortDoubles x2 + sorted walk, the previous path), 1 thread',
         f"{v['ks_2samp_full_sort_ms']:.0f} ms", f"{timings['ks_2samp']:.0f} ms",
         f"{timings['ks_2samp'] / v['ks_2samp_full_sort_ms']:.1f}x"),
        (f"Full default report (all statistics, {args.threads} threads, median of 3)",
         f"{v['report_ms_median']:.0f} ms", f"scipy KS + W1 + PSI: {scipy_total:.0f} ms",
         f"{scipy_total / v['report_ms_median']:.1f}x"),
        # CPU time of both threads: what the report costs when nothing else competes for the
        # cores; half of it is the wall time on an otherwise idle 2-core machine.
        (f"Full default report, CPU time of the {args.threads} threads (median of 3)",
         f"{v['report_cpu_ms_median']:.0f} ms CPU", "", ""),
    ]
    print(f"Load average at start: {load_start}; at end: {os.getloadavg()}")
    print(f"Machine: {platform.node()}, {os.cpu_count()} CPUs ({cpu}); Python {platform.python_version()}, "
          f"numpy {np.__version__}, scipy {scipy.__version__}")
    print(f"Data: {args.rows} rows x {args.cols} columns per file, seed {args.seed}; "
          f"vakt reports {v['drifted_columns']} drifted columns; data generation {gen_s:.1f} s, "
          f"driver wall time {vakt_wall_s:.1f} s")
    print()
    print('| what | vakt | scipy/numpy | speed-up |')
    print('|---|---|---|---|')
    for r in rows:
        print('| ' + ' | '.join(r) + ' |')
    print()
    print('raw driver output:', json.dumps(v))


if __name__ == '__main__':
    main()
