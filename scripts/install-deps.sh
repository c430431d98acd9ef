#!/usr/bin/env bash
# Installs every Debian package vakt needs to build, run and test. Idempotent: skips apt when all are present.
set -euo pipefail
PACKAGES=(
  build-essential cmake ninja-build pkg-config git python3
  libcpp-httplib-dev nlohmann-json3-dev libyaml-cpp-dev libsqlite3-dev sqlite3
  libpqxx-dev libpq-dev libre2-dev libssl-dev libcurl4-openssl-dev
  libkainjow-mustache-dev libhowardhinnant-date-dev tzdata libcli11-dev
  libspdlog-dev libfmt-dev googletest libgtest-dev libgmock-dev libbenchmark-dev
  postgresql prometheus prometheus-alertmanager
  python3-numpy python3-scipy python3-aiosmtpd python3-icalendar
  clang-format curl procps
  chromium
)
# Node.js for the web console: Debian's nodejs + npm, unless a Node.js with npm is already on the
# machine (e.g. a NodeSource build, which bundles npm and conflicts with Debian's npm package).
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  PACKAGES+=(nodejs npm)
fi
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
  # Debian starts the packaged daemons on install; vakt's scripts run their own throwaway instances.
  for svc in prometheus prometheus-alertmanager postgresql; do
    $SUDO systemctl stop "$svc" >/dev/null 2>&1 || $SUDO service "$svc" stop >/dev/null 2>&1 || true
  done
fi
