// npm test runs the fault suite after turbo's tests (scripts/test.sh); scripts/test-summary.mjs reads
// one vitest report per workspace (<workspace>/.reports/vitest.json). This folds the suite's report
// (.reports/vitest-faults.json) into load-tests' own, so its counts land in the same summary line.
// Usage: tsx faults/join-report.ts (from load-tests/). A missing faults report (the suite crashed
// before vitest wrote it) counts as one failed test, so a broken suite can never pass silently.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './paths.ts';

interface VitestReport {
  numPassedTests?: number;
  numFailedTests?: number;
  numPendingTests?: number;
  numTodoTests?: number;
  numTotalTests?: number;
  testResults?: unknown[];
  success?: boolean;
}

const reports = join(REPO_ROOT, 'load-tests', '.reports');
const mainPath = join(reports, 'vitest.json');
const faultsPath = join(reports, 'vitest-faults.json');

const read = (path: string): VitestReport => (existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as VitestReport) : {});
const main = read(mainPath);
const faults: VitestReport = existsSync(faultsPath) ? read(faultsPath) : { numFailedTests: 1, numTotalTests: 1, success: false };
const sum = (k: keyof VitestReport) => ((main[k] as number | undefined) ?? 0) + ((faults[k] as number | undefined) ?? 0);
const joined: VitestReport = {
  ...main,
  numPassedTests: sum('numPassedTests'),
  numFailedTests: sum('numFailedTests'),
  numPendingTests: sum('numPendingTests'),
  numTodoTests: sum('numTodoTests'),
  numTotalTests: sum('numTotalTests'),
  testResults: [...(main.testResults ?? []), ...(faults.testResults ?? [])],
  success: (main.success ?? true) && (faults.success ?? false),
};
writeFileSync(mainPath, JSON.stringify(joined));
console.log(
  `[test:faults] ${faults.numPassedTests ?? 0} passed, ${faults.numFailedTests ?? 0} failed; joined into load-tests/.reports/vitest.json`,
);
