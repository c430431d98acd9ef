#!/usr/bin/env bash
# Builds the web console into web/dist: `npm ci` only when node_modules is missing or the lockfile
# changed since the last install, then `npm run build` (type check + Vite).
set -euo pipefail
cd "$(dirname "$0")/../web"
stamp=node_modules/.vakt-lock.sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -d node_modules ] || [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  npm ci --no-audit --no-fund --loglevel=error
  echo "$want" > "$stamp"
fi
npm run build --silent
