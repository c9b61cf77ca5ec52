// Every k6 scenario, run by a real k6 (scripts/k6.sh) in its CI profile against a server process on
// the demo data: k6 must exit 0 (every threshold met) and every check must pass. The CI profile holds
// a run to correctness only (checks, failed requests, freshness, order, row counts), never to time.
import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkCounts, failedThresholds, LOAD_TESTS_DIR, runScenario, whichK6 } from '../ci/k6-runner.ts';
import { startDemoServer, type DemoServer } from '../ci/demo-server.ts';

/** Every top-level script is a scenario; ingest-while-reading rewrites prices, so it runs last. */
const SCENARIOS = readdirSync(LOAD_TESTS_DIR)
  .filter((f) => f.endsWith('.js') && !f.endsWith('.config.js'))
  .map((f) => f.slice(0, -'.js'.length))
  .sort((a, b) => Number(a === 'ingest-while-reading') - Number(b === 'ingest-while-reading') || a.localeCompare(b));

describe('k6 scenarios (K6_PROFILE=ci, demo data)', () => {
  let demo: DemoServer;

  beforeAll(async () => {
    // No k6 is a failure, not a skip: CI has one at ../shared/tools/k6.
    await whichK6();
    demo = await startDemoServer('k6_ci');
  }, 300_000);

  afterAll(async () => {
    await demo?.close();
  });

  it('finds every scenario', () => {
    expect(SCENARIOS).toEqual(expect.arrayContaining(['smoke', 'cached-indicators', 'cold-indicators', 'batch', 'concurrency']));
  });

  it.each(SCENARIOS)(
    '%s: k6 exits 0 with every check passed',
    async (scenario) => {
      const run = await runScenario(scenario, { ...demo.k6Env, K6_PROFILE: 'ci' });
      const report = `${run.stdout.slice(-4000)}\n${run.stderr.slice(-4000)}`;
      expect(run.summary, `k6 wrote no summary:\n${report}`).not.toBeNull();
      expect(failedThresholds(run.summary), report).toEqual([]);
      const checks = checkCounts(run.summary);
      expect(checks.fails, report).toBe(0);
      expect(checks.passes, report).toBeGreaterThan(0);
      expect(run.summary!.metrics.http_reqs?.count ?? 0).toBeGreaterThan(0);
      expect(run.exitCode, report).toBe(0);
    },
    300_000,
  );
});
