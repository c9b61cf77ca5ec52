#!/usr/bin/env bash
# README's first command: install everything, start the services, migrate, seed, serve.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bash scripts/bootstrap.sh
eval "$(bash scripts/services.sh up | sed 's/^/export /')"
pnpm db:migrate
pnpm db:seed
# The dashboard: a production build the server serves at /.
pnpm --filter @wick/web build
echo "[setup] dashboard: http://${HOST:-127.0.0.1}:${PORT:-3000}/  (API: http://${HOST:-127.0.0.1}:${PORT:-3000}/trpc)"
# The demo is live: the market simulator moves the seeded symbols through the public API (WICK_FEED=off turns it off).
export INGEST_API_KEYS=${INGEST_API_KEYS:-demo-ingest-key}
if [ "${WICK_FEED:-sim}" = sim ]; then
  url="http://${HOST:-127.0.0.1}:${PORT:-3000}"
  (
    for _ in $(seq 1 120); do curl -fsS -o /dev/null "$url/health" 2>/dev/null && break; sleep 0.5; done
    echo "[setup] live feed: pnpm feed:sim (WICK_FEED=off to disable)" >&2
    exec env WICK_INGEST_KEY="${INGEST_API_KEYS%%,*}" pnpm -s feed:sim -- --url "$url"
  ) &
  feed=$!
  trap 'kill $feed 2>/dev/null' EXIT INT TERM
  pnpm --filter @wick/server start
else
  exec pnpm --filter @wick/server start
fi
