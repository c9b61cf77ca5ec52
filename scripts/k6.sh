#!/usr/bin/env bash
# Runs k6 with the project's arguments: k6 is $K6, else ../shared/tools/k6 from the repo root (CI has
# the same path), else k6 on PATH. `scripts/k6.sh --which` prints the binary it would use.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
k6=""
if [ -n "${K6:-}" ]; then
  if [ ! -x "$K6" ]; then
    echo "[k6] K6=$K6 is not an executable file" >&2
    exit 1
  fi
  k6=$K6
elif [ -x "$root/../shared/tools/k6" ]; then
  k6=$(cd "$root/../shared/tools" && pwd)/k6
elif command -v k6 >/dev/null 2>&1; then
  k6=$(command -v k6)
else
  echo "[k6] no k6 found: set K6=/path/to/k6, put it at ../shared/tools/k6 (from the repo root), or install it on PATH (https://grafana.com/docs/k6/latest/set-up/install-k6/)" >&2
  exit 1
fi
# There is no network to report usage to, and a run must not try.
export K6_NO_USAGE_REPORT=true
if [ "${1:-}" = "--which" ]; then
  echo "$k6"
  exit 0
fi
exec "$k6" "$@"
