#!/usr/bin/env bash
# README's test command: installs what is missing, brings the services up, runs every package's
# tests through turbo (one package at a time: they share the Valkey cluster and MySQL server,
# and some of them kill cluster nodes on purpose), then prints one line summed over the pipeline.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bash scripts/bootstrap.sh || exit 1
eval "$(bash scripts/services.sh up | sed 's/^/export /')" || exit 1
find . -path ./node_modules -prune -o -path '*/.reports/vitest.json' -print | xargs -r rm -f
pnpm exec turbo run test --concurrency=1 --continue "$@"
status=$?
node scripts/test-summary.mjs
summary=$?
[ $status -ne 0 ] && exit $status
exit $summary
