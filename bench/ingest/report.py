#!/usr/bin/env python3
"""Combine one bench/ingest/run.sh result directory into the ingest tables.

  report.py RESULTS_DIR [--doc docs/BENCHMARKS.md]

Reads the shared harness's JSON files (alertmanager-0.25-*.json: one file, several runs;
vakt-*.json: one file per fresh vakt), prints the markdown section and, with --doc, replaces the
section "## Ingest: vakt vs Alertmanager 0.25" of the doc (creating the doc with its machine
intro when missing; other sections are left as they are). Stdlib only.
"""
import argparse
import datetime
import glob
import json
import os
import platform
import re
import statistics
import subprocess
import sys

SECTION = "## Ingest: vakt vs Alertmanager 0.25"


def median(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def rng(xs, nd=0):
    xs = [x for x in xs if x is not None]
    if not xs:
        return "n/a"
    m = statistics.median(xs)
    if len(xs) == 1:
        return f"{m:,.{nd}f}"
    return f"{m:,.{nd}f} [{min(xs):,.{nd}f}–{max(xs):,.{nd}f}]"


def load(results_dir):
    am, vakt = [], []
    for path in sorted(glob.glob(os.path.join(results_dir, "*.json"))):
        with open(path) as f:
            d = json.load(f)
        if "runs" not in d:
            continue
        (am if d["env"]["label"].startswith("alertmanager") else vakt).append(d)
    return am, vakt


def runs_of(docs, scenario, fmt=None, batch=None):
    out = []
    for d in docs:
        for r in d["runs"]:
            if r["scenario"] != scenario or (fmt and r.get("format") != fmt):
                continue
            if batch is not None and r.get("batch") != batch:
                continue
            r = dict(r)
            r["_env"] = d["env"]
            out.append(r)
    return out


def tp_stats(rs):
    return {
        "n": len(rs),
        "create": [r["create_pass"]["alerts_per_s"] for r in rs],
        "steady": [r["steady"]["alerts_per_s"] for r in rs],
        "p50": [r["steady"]["lat_ms"]["p50"] for r in rs],
        "p99": [r["steady"]["lat_ms"]["p99"] for r in rs],
        "max": [r["steady"]["lat_ms"]["max"] for r in rs],
        "cores": [r["cpu"].get("target_cores") for r in rs],
        "create_cores": [r["create_pass"]["cpu"].get("target_cores") for r in rs],
        "loadgen": [r["steady"]["loadgen_cpu_s"] / r["steady"]["elapsed_s"] for r in rs],
        "foreign": [r["cpu"].get("foreign_cores") for r in rs],
        "rss": [r["mem_kb"].get("VmRSS", 0) / 1024 for r in rs],
        "errors": sum(r["steady"]["requests_err"] + r["create_pass"]["status"].get("-1", 0) for r in rs),
        "non2xx": sorted({k for r in rs for part in (r["steady"]["status"], r["create_pass"]["status"])
                          for k in part if not k.startswith("2")}),
        "contaminated": sum(1 for r in rs if r.get("contaminated")),
    }


def mem_stats(rs):
    return {
        "n": len(rs),
        "rss": [r["mem_kb"].get("VmRSS", 0) / 1024 for r in rs],
        "hwm": [r["mem_kb"].get("VmHWM", 0) / 1024 for r in rs],
        "idle": [r["idle_mem_kb"].get("VmRSS", 0) / 1024 for r in rs],
        "rate": [r["ingest_alerts_per_s"] for r in rs],
        "cores": [r["ingest_cpu"].get("target_cores") for r in rs],
        "foreign": [r["ingest_cpu"].get("foreign_cores") for r in rs],
        "sent": [r["alerts_sent"] for r in rs],
        "stored": [r["_env"].get("stored_alerts_after_stop") for r in rs],
        "contaminated": sum(1 for r in rs if r.get("contaminated")),
    }


def ratio(v, a):
    return None if v is None or a in (None, 0) else v / a


def machine():
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    mem_kb = next(int(l.split()[1]) for l in open("/proc/meminfo") if l.startswith("MemTotal"))
    return {"nproc": os.cpu_count(), "cpu": cpu, "ram_gib": mem_kb / 2**20, "kernel": platform.release(),
            "date": datetime.date.today().isoformat()}


def intro(m):
    return (
        "# Benchmarks\n\n"
        "Measured numbers of vakt, one section per benchmark; each section says how to rerun it.\n\n"
        "<!-- machine:begin -->\n"
        f"Machine: {m['nproc']} cores (`nproc`), {m['cpu']} (/proc/cpuinfo), {m['ram_gib']:.1f} GiB RAM, "
        f"Linux {m['kernel']}, Debian 12; last updated {m['date']}. A shared development VM: other "
        "engineers compile on it, so every section records the load it was measured under.\n"
        "<!-- machine:end -->\n")


def reference_values(path):
    """The four headline Alertmanager numbers from an earlier harness result (e.g. the shared
    quiet-machine measurement), to show next to this run's."""
    if not path:
        return None
    with open(path) as f:
        d = json.load(f)
    a100 = tp_stats(runs_of([d], "throughput", batch=100))
    mem = mem_stats(runs_of([d], "memory"))
    return {"label": os.path.basename(path), "values": [median(a100["create"]), median(a100["steady"]),
                                                         median(a100["p99"]), median(mem["rss"])]}


def section(am, vakt, results_dir, env_txt, reference=None):
    m = machine()
    L = [SECTION, ""]
    L.append("`bench/ingest/run.sh` (about 25 min with `--runs 3` on this machine; `--quick` about 5 min) builds the release "
             "binary, runs the shared harness `../shared/bench/alertmanager/bench.py` against Alertmanager 0.25 "
             "(Debian, in-memory) and then the same scenarios against `vakt serve` (SQLite, WAL, durability "
             "`full`: every 2xx is committed and the WAL fdatasynced before the answer), with a fresh process and an empty "
             "database for every scenario and run, and rewrites this section "
             "(`bench/ingest/report.py`). Load: 10,000 distinct label sets, 4 keep-alive connections, closed "
             "loop; *new* = first pass, every alert unknown to the target; *re-sent* = the following 15 s of "
             "re-sends of the same label sets (what Prometheus does). Memory: 100,000 distinct active alerts "
             "(batch 1000, 2 connections), RSS of the server process.")
    L.append("")
    L.append(f"Measured {m['date']} on {m['nproc']} cores ({m['cpu']}), Linux {m['kernel']}. "
             f"Raw results: `{os.path.relpath(results_dir, os.path.join(os.path.dirname(__file__), '..', '..'))}/`.")
    if env_txt:
        L.append("Machine load when it started / ended: " + "; ".join(
            f"`{l.split('load average:')[1].strip()}`" for l in env_txt.splitlines()
            if "load average" in l) + " (1/5/15-min load averages; the harness waits, bounded by `--quiet-wait`, for a "
            "quiet machine before each run and measures the CPU other processes used meanwhile, "
            "column *other procs*).")
    L.append("")

    a100 = tp_stats(runs_of(am, "throughput", batch=100))
    v100 = tp_stats(runs_of(vakt, "throughput", "am-v2", 100))
    am_mem = mem_stats(runs_of(am, "memory"))
    v_mem = mem_stats(runs_of(vakt, "memory", "am-v2"))
    rows = [
        ("new alerts/s, batch 100", median(a100["create"]), median(v100["create"]), "≥ 10×", lambda r: r >= 10, 0),
        ("re-sent alerts/s, batch 100", median(a100["steady"]), median(v100["steady"]), "≥ 3×", lambda r: r >= 3, 0),
        ("request p99 under load (batch 100 re-sends), ms", median(a100["p99"]), median(v100["p99"]), "≤ 0.20×",
         lambda r: r <= 0.2, 2),
        ("RSS with 100k active alerts, MiB", median(am_mem["rss"]), median(v_mem["rss"]), "≤ 0.25×",
         lambda r: r <= 0.25, 1),
    ]
    ref = reference["values"] if reference else [None] * len(rows)
    L += ["| metric (median of runs) | Alertmanager 0.25 | vakt | vakt / AM | target (issue 2) | met |"
          + (" AM quiet reference | vakt / reference |" if reference else ""),
          "|---|---|---|---|---|---|" + ("---|---|" if reference else "")]
    for (name, a, v, target, ok, nd), rv in zip(rows, ref):
        r = ratio(v, a)
        line = (f"| {name} | {a:,.{nd}f} | {v:,.{nd}f} | {r:.2f}× | {target} | {'yes' if ok(r) else '**no**'} |"
                if r is not None else f"| {name} | {a} | {v} | n/a | {target} | n/a |")
        if reference:
            rr = ratio(v, rv)
            line += (f" {rv:,.{nd}f} | {rr:.2f}× ({'yes' if ok(rr) else 'no'}) |" if rr is not None else " n/a | n/a |")
        L.append(line)
    L.append("")
    if reference:
        L.append(f"*AM quiet reference*: `{reference['label']}` from `../shared/bench/alertmanager/results/`, "
                 "measured earlier on this machine while it was quiet (other processes ≈ 0.01 cores); shown because "
                 "Alertmanager's rates move from run to run on this shared VM (see *other procs* below). The "
                 "*vakt / AM* column compares runs made under the same conditions.")
        L.append("")
    L.append(f"Runs: Alertmanager {a100['n']} (throughput) / {am_mem['n']} (memory), vakt {v100['n']} / {v_mem['n']}.")
    L.append("")

    L += ["### Throughput by batch size (am-v2 = `POST /api/v2/alerts`; pd-v2 = `POST /v2/enqueue`, one event "
          "per request)", "",
          "median [min–max] over runs; *cores* = CPU of the server process while re-sending; *other procs* = "
          "cores used by unrelated processes on the machine during the measured window.", "",
          "| target | format | batch | new alerts/s | re-sent alerts/s | req p50 / p99 / max ms | server cores "
          "(new / re-sent) | loadgen cores | other procs cores | RSS MiB | non-2xx | disturbed runs |",
          "|---|---|---|---|---|---|---|---|---|---|---|---|"]

    def tp_row(who, fmt, b, s):
        if not s["n"]:
            return
        L.append(f"| {who} | {fmt} | {b} | {rng(s['create'])} | {rng(s['steady'])} | "
                 f"{median(s['p50']):.2f} / {median(s['p99']):.2f} / {max(s['max']):.1f} | "
                 f"{median(s['create_cores']):.2f} / {median(s['cores']):.2f} | {median(s['loadgen']):.2f} | "
                 f"{rng(s['foreign'], 2)} | {median(s['rss']):.0f} | {', '.join(s['non2xx']) or 'none'} | "
                 f"{s['contaminated']}/{s['n']} |")
    batches = sorted({r["batch"] for d in am + vakt for r in d["runs"] if r["scenario"] == "throughput"})
    for b in batches:
        tp_row("Alertmanager 0.25", "am-v2", b, tp_stats(runs_of(am, "throughput", batch=b)))
        tp_row("vakt", "am-v2", b, tp_stats(runs_of(vakt, "throughput", "am-v2", b)))
    tp_row("vakt", "pd-v2", 1, tp_stats(runs_of(vakt, "throughput", "pd-v2", 1)))
    L.append("")

    n_am = {d["env"]["args"]["mem_alerts"] for d in am if any(r["scenario"] == "memory" for r in d["runs"])}
    n_v = {d["env"]["args"]["mem_alerts"] for d in vakt if any(r["scenario"] == "memory" for r in d["runs"])}
    L += [f"### Memory with {', '.join(f'{n:,}' for n in sorted(n_am | n_v))} active alerts", ""]
    if n_am != n_v:
        L += [f"**Not comparable**: Alertmanager held {n_am} alerts, vakt {n_v}.", ""]
    L += [
          "| target | format | RSS MiB | peak RSS (VmHWM) MiB | RSS before load MiB | ingest alerts/s | "
          "server cores while ingesting | alerts 2xx'd / rows stored | other procs cores |",
          "|---|---|---|---|---|---|---|---|---|"]

    def mem_row(who, fmt, s):
        if not s["n"]:
            return
        stored = "n/a (memory only)" if who.startswith("Alert") else \
            " ; ".join(f"{a:,} / {b:,}" if b is not None else f"{a:,} / ?" for a, b in zip(s["sent"], s["stored"]))
        L.append(f"| {who} | {fmt} | {rng(s['rss'], 1)} | {rng(s['hwm'], 1)} | {rng(s['idle'], 1)} | "
                 f"{rng(s['rate'])} | {rng(s['cores'], 2)} | {stored} | {rng(s['foreign'], 2)} |")
    mem_row("Alertmanager 0.25", "am-v2", am_mem)
    mem_row("vakt", "am-v2", v_mem)
    mem_row("vakt", "pd-v2", mem_stats(runs_of(vakt, "memory", "pd-v2")))
    L.append("")
    return "\n".join(L) + "\n", rows


def write_doc(path, text):
    m = machine()
    if os.path.exists(path):
        with open(path) as f:
            doc = f.read()
        block = re.search(r"<!-- machine:begin -->.*?<!-- machine:end -->\n", intro(m), re.S).group(0)
        doc = re.sub(r"<!-- machine:begin -->.*?<!-- machine:end -->\n", lambda _: block, doc, flags=re.S)
    else:
        doc = intro(m)
    start = doc.find(SECTION)
    if start < 0:
        doc = doc.rstrip("\n") + "\n\n" + text
    else:
        nxt = doc.find("\n## ", start + len(SECTION))
        tail = doc[nxt + 1:] if nxt >= 0 else ""
        doc = doc[:start] + text + ("\n" + tail if tail else "")
    with open(path, "w") as f:
        f.write(doc)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("results_dir")
    ap.add_argument("--doc")
    ap.add_argument("--notes", help="markdown file appended to the section (analysis, profile)")
    ap.add_argument("--reference", help="an earlier Alertmanager harness JSON to show next to this run's")
    a = ap.parse_args()
    am, vakt = load(a.results_dir)
    if not am or not vakt:
        sys.exit(f"need alertmanager-*.json and vakt-*.json in {a.results_dir}")
    env_path = os.path.join(a.results_dir, "env.txt")
    env_txt = open(env_path).read() if os.path.exists(env_path) else ""
    text, _ = section(am, vakt, a.results_dir, env_txt, reference_values(a.reference))
    notes = a.notes or os.path.join(os.path.dirname(os.path.abspath(__file__)), "analysis.md")
    if os.path.exists(notes):
        text += "\n" + open(notes).read().rstrip("\n") + "\n"
    print(text)
    if a.doc:
        write_doc(a.doc, text)
        print(f"wrote {a.doc}", file=sys.stderr)


if __name__ == "__main__":
    main()
