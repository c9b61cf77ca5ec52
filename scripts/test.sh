#!/usr/bin/env bash
# README's test command: installs what is missing, runs the static checks (format, lint, architecture,
# typecheck) and stops at the first that fails, brings the services up, runs every package's tests
# through turbo (one package at a time: they share the Valkey cluster and MySQL server, and some of
# them kill cluster nodes on purpose), then the fault suite, then prints one line summed over the pipeline.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bash scripts/bootstrap.sh || exit 1
reports="$root/node_modules/.cache/wick-checks"
rm -rf "$reports" && mkdir -p "$reports"
find . -path ./node_modules -prune -o \( -path '*/.reports/vitest.json' -o -path '*/.reports/vitest-faults.json' \) -print | xargs -r rm -f
# Each static check counts as one test in the summary line, so a red lint is as visible as a red test.
for check in format:check lint lint:arch docs:check typecheck; do
  echo "[test] $check"
  if [ "$check" = typecheck ]; then pnpm exec turbo run typecheck --output-logs=errors-only; else pnpm run -s "$check"; fi
  rc=$?
  echo "$check $rc" >> "$reports/checks.txt"
  if [ $rc -ne 0 ]; then
    echo "[test] $check failed: fix it before the tests run" >&2
    WICK_CHECKS="$reports/checks.txt" node scripts/test-summary.mjs
    exit 1
  fi
done
eval "$(bash scripts/services.sh up | sed 's/^/export /')" || exit 1
# The browser tests drive Debian's Chromium (installed here like Valkey is; ~1 min the first time).
CHROMIUM_PATH=$(bash scripts/chromium.sh) || exit 1
export CHROMIUM_PATH
pnpm exec turbo run test --concurrency=1 --continue --only "$@"
status=$?
# The fault suite under load (~3-4 min: a private cluster, two servers, seven faults) runs after every
# package's tests, unless the run was narrowed to some packages; its counts join load-tests' report.
if [ $# -eq 0 ]; then
  echo "[test] fault suite (pnpm test:faults)"
  FAULTS_DOC=0 pnpm run -s test:faults || status=1
  pnpm --filter @wick/load-tests exec tsx faults/join-report.ts || status=1
fi
WICK_CHECKS="$reports/checks.txt" node scripts/test-summary.mjs
summary=$?
[ $status -ne 0 ] && exit $status
exit $summary
