#!/usr/bin/env bash
# Starts or stops a throwaway PostgreSQL 15 cluster on loopback for tests.
#   eval "$(scripts/pg-throwaway.sh start)"   # exports VAKT_TEST_POSTGRES_URL and VAKT_PG_DIR
#   scripts/pg-throwaway.sh stop "$VAKT_PG_DIR"
# PostgreSQL refuses to run as root, so the cluster runs as the unprivileged 'postgres' user.
set -euo pipefail
BIN=/usr/lib/postgresql/15/bin
case "${1:-}" in
  start)
    dir=$(mktemp -d /tmp/vakt-pg.XXXXXX)
    chmod 755 "$dir"
    run_as=()
    if [ "$(id -u)" -eq 0 ]; then chown postgres "$dir"; run_as=(runuser -u postgres --); fi
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
    "${run_as[@]}" "$BIN/initdb" -D "$dir/data" -A trust -U vakt >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
    "${run_as[@]}" "$BIN/pg_ctl" -D "$dir/data" -w -t 30 -l "$dir/log" \
      -o "-k $dir -h 127.0.0.1 -p $port -c fsync=on -c synchronous_commit=on" start >/dev/null \
      || { cat "$dir/log" >&2; exit 1; }
    echo "export VAKT_TEST_POSTGRES_URL=postgresql://vakt@127.0.0.1:$port/postgres"
    echo "export VAKT_PG_DIR=$dir"
    ;;
  stop)
    dir="${2:?usage: pg-throwaway.sh stop DIR}"
    run_as=()
    [ "$(id -u)" -eq 0 ] && run_as=(runuser -u postgres --)
    "${run_as[@]}" "$BIN/pg_ctl" -D "$dir/data" -m fast stop >/dev/null 2>&1 || true
    rm -rf "$dir"
    ;;
  *) echo "usage: $0 start | stop DIR" >&2; exit 2 ;;
esac
