#!/usr/bin/env bash
# Installs the toolchain Wick needs on a fresh Debian + Node 20 machine: pnpm (pinned in
# package.json) and the workspace's dependencies. Safe to run again.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
want=$(node -p 'require("./package.json").packageManager.split("@")[1]')
if [ "$(pnpm --version 2>/dev/null || true)" != "$want" ]; then
  echo "[bootstrap] installing pnpm@$want" >&2
  npm install -g "pnpm@$want" --loglevel=error
fi
# CI=true makes pnpm refuse a lockfile that disagrees with package.json, as it should.
pnpm install --reporter=append-only 2>&1 | grep -vE '^(Progress|npm warn)' || true
test -d node_modules/.pnpm || { echo "[bootstrap] pnpm install failed" >&2; exit 1; }
