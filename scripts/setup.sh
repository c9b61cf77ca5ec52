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
if [ -d apps/server ]; then exec pnpm --filter @wick/server start; fi
