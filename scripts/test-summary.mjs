// Sums every package's vitest JSON report into the one line CI reads: "N passed, N failed, N skipped".
// Exits non-zero when no test ran at all, so an empty pipeline cannot pass silently.
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';

// vitest's messages carry ANSI colours.
// eslint-disable-next-line no-control-regex -- matching the escape character is the point
const ANSI = /\u001b\[[0-9;]*m/g;

function firstLine(text) {
  const lines = String(text ?? '')
    .replace(ANSI, '')
    .split('\n');
  return (lines.find((l) => l.trim() !== '') ?? '').trim().slice(0, 300);
}

const workspaces = JSON.parse(execFileSync('pnpm', ['ls', '-r', '--depth', '-1', '--json'], { encoding: 'utf8' }));
let passed = 0;
let failed = 0;
let skipped = 0;
let testsRan = 0;
const rows = [];
// Every failed test by name, printed last beside the summary: CI keeps only the tail of a long log.
const failures = [];
for (const { name, path } of workspaces) {
  const file = join(path, '.reports', 'vitest.json');
  if (!existsSync(file)) continue;
  const r = JSON.parse(readFileSync(file, 'utf8'));
  const p = r.numPassedTests ?? 0;
  // A file that failed to load has no failed test inside it: count the file itself as a failure.
  const brokenFiles = (r.testResults ?? []).filter(
    (file) => file.status === 'failed' && !file.assertionResults?.some((t) => t.status === 'failed'),
  ).length;
  const f = (r.numFailedTests ?? 0) + brokenFiles;
  for (const result of r.testResults ?? []) {
    const where = `${name} ${result.name.slice(path.length + 1)}`;
    const failedTests = (result.assertionResults ?? []).filter((t) => t.status === 'failed');
    if (result.status === 'failed' && failedTests.length === 0) failures.push(`${where}: ${firstLine(result.message)}`);
    for (const t of failedTests) failures.push(`${where} > ${t.fullName}: ${firstLine(t.failureMessages?.[0])}`);
  }
  const s = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  passed += p;
  testsRan += p + f;
  failed += f;
  skipped += s;
  rows.push({ package: name, passed: p, failed: f, skipped: s });
}
// The static checks scripts/test.sh ran before the tests (format, lint, architecture, typecheck).
if (process.env.WICK_CHECKS && existsSync(process.env.WICK_CHECKS)) {
  const checks = readFileSync(process.env.WICK_CHECKS, 'utf8').trim().split('\n').filter(Boolean);
  const ok = checks.filter((line) => line.endsWith(' 0')).length;
  passed += ok;
  failed += checks.length - ok;
  rows.unshift({ package: 'static checks', passed: ok, failed: checks.length - ok, skipped: 0 });
}
if (rows.length > 0) console.table(rows);
for (const failure of failures) console.log(`FAILED ${failure}`);
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(testsRan === 0 || failed > 0 ? 1 : 0);
