#!/usr/bin/env bash
# Ingest benchmark: vakt vs Alertmanager 0.25, same load, same machine, one run.
#
#   bench/ingest/run.sh [--runs N] [--quick] [--batches 1,100,1000] [--formats am-v2,pd-v2]
#                       [--am-results FILE.json] [--skip-build] [--no-doc] [--retries N]
#                       [--quiet-wait SEC] [--pd-memory] [--vakt BINARY]
#
# 1. builds vakt (release preset), 2. runs the shared harness (../shared/bench/alertmanager/bench.py)
# against Alertmanager (the harness starts a fresh one per run), 3. runs the same scenarios against
# a fresh `vakt serve` (new SQLite database, durability full) per scenario and run, for the am-v2
# and pd-v2 formats, 4. writes the combined table into docs/BENCHMARKS.md (bench/ingest/report.py).
#
# Loopback only; every load loop is bounded (harness: --duration, --passes 1, timeouts); every
# process this script starts is stopped by its PID on exit (trap). Raw harness results go to
# bench/ingest/results/<timestamp>/.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HARNESS="$REPO/../shared/bench/alertmanager/bench.py"
VAKT="$REPO/build/release/src/main/vakt"
PORT=18080
RUNS=3
QUICK=0
BATCHES=1,100,1000
FORMATS=am-v2,pd-v2
AM_RESULTS=""
SKIP_BUILD=0
WRITE_DOC=1
PD_MEMORY=0
QUIET_WAIT=30   # seconds the harness waits for other engineers' CPU use to calm down, per run
RETRIES=1       # a run that other processes disturbed is redone this often (vakt: on a fresh vakt)

while [[ $# -gt 0 ]]; do
  case "$1" in
    --runs) RUNS="$2"; shift 2 ;;
    --quick) QUICK=1; RUNS=1; shift ;;
    --batches) BATCHES="$2"; shift 2 ;;
    --formats) FORMATS="$2"; shift 2 ;;
    --am-results) AM_RESULTS="$(realpath "$2")"; shift 2 ;;
    --skip-build) SKIP_BUILD=1; shift ;;
    --no-doc) WRITE_DOC=0; shift ;;
    --pd-memory) PD_MEMORY=1; shift ;;
    --port) PORT="$2"; shift 2 ;;
    --quiet-wait) QUIET_WAIT="$2"; shift 2 ;;
    --retries) RETRIES="$2"; shift 2 ;;
    --vakt) VAKT="$(realpath "$2")"; SKIP_BUILD=1; shift 2 ;;
    -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done

[[ -f "$HARNESS" ]] || { echo "harness not found at $HARNESS" >&2; exit 1; }
command -v prometheus-alertmanager >/dev/null || [[ -n "$AM_RESULTS" ]] ||
  { echo "prometheus-alertmanager missing: apt-get install -y prometheus-alertmanager" >&2; exit 1; }

STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
OUT="$REPO/bench/ingest/results/$STAMP"
WORK="$(mktemp -d /tmp/vakt-ingest-bench.XXXXXX)"
mkdir -p "$OUT"
VAKT_PID=""

log() { echo "[$(date +%H:%M:%S)] $*" >&2; }

stop_vakt() {
  if [[ -n "$VAKT_PID" ]] && kill -0 "$VAKT_PID" 2>/dev/null; then
    kill -TERM "$VAKT_PID" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$VAKT_PID" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$VAKT_PID" 2>/dev/null && kill -KILL "$VAKT_PID" 2>/dev/null || true
    wait "$VAKT_PID" 2>/dev/null || true
  fi
  VAKT_PID=""
}
cleanup() { stop_vakt; rm -rf "$WORK"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

# common harness flags: bounded quiet wait; no 70 s idle window after the memory reading (it
# measures Alertmanager's group_interval re-notification, which vakt does not have; the RSS
# reading itself is taken before it).
HFLAGS=(--quiet-wait "$QUIET_WAIT" --mem-idle-window 0)
[[ $QUICK == 1 ]] && HFLAGS+=(--quick)

# ---------------------------------------------------------------- 1. build
if [[ $SKIP_BUILD == 0 ]]; then
  log "building vakt (release preset)"
  (cd "$REPO" && cmake --preset release >/dev/null && cmake --build build/release -j2 --target vakt)
fi
[[ -x "$VAKT" ]] || { echo "no binary at $VAKT" >&2; exit 1; }

{ echo "started=$(date -u +%FT%TZ)"; echo "git=$(git -C "$REPO" rev-parse --short HEAD)";
  echo "dirty=$(git -C "$REPO" status --porcelain -- src | wc -l)"; echo "uptime=$(uptime)"; } > "$OUT/env.txt"

# ---------------------------------------------------------------- 2. Alertmanager
if [[ -n "$AM_RESULTS" ]]; then
  log "reusing Alertmanager results $AM_RESULTS"
  cp "$AM_RESULTS" "$OUT/"
else
  log "Alertmanager 0.25: throughput + memory, $RUNS run(s)"
  python3 "$HARNESS" "${HFLAGS[@]}" --runs "$RUNS" --only throughput,memory --batches "$BATCHES" \
    --retries "$RETRIES" --label alertmanager-0.25 --out-dir "$OUT"
fi

# ---------------------------------------------------------------- 3. vakt
start_vakt() {  # $1 = tag; fresh database each time
  local dir="$WORK/$1"
  mkdir -p "$dir"
  "$VAKT" serve --listen "127.0.0.1:$PORT" --database "sqlite:$dir/vakt.db" \
    --runbooks "$REPO/examples/runbooks" --web '' >"$dir/vakt.log" 2>&1 &
  VAKT_PID=$!
  for _ in $(seq 1 100); do
    curl -fsS "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && return 0
    kill -0 "$VAKT_PID" 2>/dev/null || break
    sleep 0.1
  done
  cat "$dir/vakt.log" >&2
  echo "vakt did not become ready" >&2
  exit 1
}

# stored_alerts TAG: alert rows in that run's database (read after vakt stopped).
stored_alerts() { python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("select count(*) from alerts").fetchone()[0])' "$WORK/$1/vakt.db"; }

# run_vakt LABEL FORMAT PATH HARNESS-ARGS...: one harness run on a fresh vakt; redone (bounded)
# when other processes disturbed it, so every measured vakt run starts from an empty database.
run_vakt() {
  local label="$1" fmt="$2" path="$3"; shift 3
  local attempt
  for attempt in $(seq 0 "$RETRIES"); do
    local tag="$label-a$attempt"
    start_vakt "$tag"
    python3 "$HARNESS" "${HFLAGS[@]}" --runs 1 --retries 0 --label "$tag" --out-dir "$WORK/$tag" \
      --target-url "http://127.0.0.1:$PORT$path" --target-format "$fmt" --target-pid "$VAKT_PID" \
      --target-metrics "http://127.0.0.1:$PORT/metrics" "$@"
    curl -fsS "http://127.0.0.1:$PORT/metrics" > "$WORK/$tag/metrics.txt" 2>/dev/null || true
    stop_vakt
    local json; json="$(ls "$WORK/$tag"/*.json)"
    python3 - "$json" "$(stored_alerts "$tag")" <<'EOF'
import json, sys
path, stored = sys.argv[1], int(sys.argv[2])
d = json.load(open(path))
d["env"]["stored_alerts_after_stop"] = stored
json.dump(d, open(path, "w"), indent=1)
EOF
    if ! python3 -c 'import json,sys; sys.exit(any(r.get("contaminated") for r in json.load(open(sys.argv[1]))["runs"]))' "$json" \
       || [[ $attempt == "$RETRIES" ]]; then
      cp "$json" "$OUT/$label.json"
      return 0
    fi
    log "$label: other processes disturbed the run; redoing it on a fresh vakt"
  done
}

IFS=, read -r -a FMT_LIST <<< "$FORMATS"
IFS=, read -r -a BATCH_LIST <<< "$BATCHES"
for run in $(seq 1 "$RUNS"); do
  for fmt in "${FMT_LIST[@]}"; do
    if [[ $fmt == am-v2 ]]; then
      for b in "${BATCH_LIST[@]}"; do
        run_vakt "vakt-am-v2-tp-b$b-r$run" am-v2 /api/v2/alerts --only throughput --batches "$b"
      done
      run_vakt "vakt-am-v2-mem-r$run" am-v2 /api/v2/alerts --only memory
    else
      run_vakt "vakt-pd-v2-tp-b1-r$run" pd-v2 /v2/enqueue --only throughput
      # PagerDuty has no batch: 100k events one per request take minutes; opt-in.
      if [[ $PD_MEMORY == 1 ]]; then run_vakt "vakt-pd-v2-mem-r$run" pd-v2 /v2/enqueue --only memory; fi
    fi
  done
done
echo "finished=$(date -u +%FT%TZ)" >> "$OUT/env.txt"; echo "uptime_end=$(uptime)" >> "$OUT/env.txt"

# ---------------------------------------------------------------- 4. report
ARGS=("$OUT")
REFERENCE="$(ls "$REPO"/../shared/bench/alertmanager/results/alertmanager-0.25-*.json 2>/dev/null | tail -1)"
[[ -n "$REFERENCE" ]] && ARGS+=(--reference "$REFERENCE")
[[ $WRITE_DOC == 1 ]] && ARGS+=(--doc "$REPO/docs/BENCHMARKS.md")
python3 "$REPO/bench/ingest/report.py" "${ARGS[@]}"
log "results in $OUT"
