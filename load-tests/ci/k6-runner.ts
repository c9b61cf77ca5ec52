// Runs one k6 scenario through scripts/k6.sh and reads its end-of-test summary: what the CI test
// (test/k6-scenarios.test.ts) and the fault suite assert on.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const LOAD_TESTS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const REPO_ROOT = resolve(LOAD_TESTS_DIR, '..');
const K6_SH = join(REPO_ROOT, 'scripts', 'k6.sh');

/** k6's --summary-export: one entry per metric (checks carry passes/fails, rates a value, trends percentiles). */
export interface K6Summary {
  metrics: Record<string, Record<string, number> & { thresholds?: Record<string, boolean> }>;
  root_group?: unknown;
}

export interface K6Run {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  summary: K6Summary | null;
}

/** The k6 binary scripts/k6.sh would run, or an error saying why there is none. */
export async function whichK6(): Promise<string> {
  const { exitCode, stdout, stderr } = await run('bash', [K6_SH, '--which'], {});
  if (exitCode !== 0) throw new Error(stderr.trim() || 'scripts/k6.sh found no k6');
  return stdout.trim();
}

/** `k6 run load-tests/<scenario>.js` with `env` passed as -e NAME=value. */
export async function runScenario(scenario: string, env: Record<string, string>): Promise<K6Run> {
  const dir = mkdtempSync(join(tmpdir(), 'wick-k6-'));
  const summaryFile = join(dir, 'summary.json');
  try {
    const args = [K6_SH, 'run', '--quiet', '--no-color', '--summary-export', summaryFile];
    for (const [k, v] of Object.entries(env)) args.push('-e', `${k}=${v}`);
    args.push(join(LOAD_TESTS_DIR, `${scenario}.js`));
    const out = await run('bash', args, { K6_PROFILE: env.K6_PROFILE ?? 'bench' });
    let summary: K6Summary | null = null;
    try {
      summary = JSON.parse(readFileSync(summaryFile, 'utf8')) as K6Summary;
    } catch {
      summary = null;
    }
    return { ...out, summary };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Passed and failed checks of a run (0/0 when the summary is missing). */
export function checkCounts(summary: K6Summary | null): { passes: number; fails: number } {
  const c = summary?.metrics.checks;
  return { passes: c?.passes ?? 0, fails: c?.fails ?? 0 };
}

/** The thresholds that failed, as `metric: expression`. */
export function failedThresholds(summary: K6Summary | null): string[] {
  const out: string[] = [];
  for (const [metric, m] of Object.entries(summary?.metrics ?? {})) {
    for (const [expr, failed] of Object.entries(m.thresholds ?? {})) if (failed) out.push(`${metric}: ${expr}`);
  }
  return out;
}

function run(cmd: string, args: string[], extraEnv: Record<string, string>): Promise<Omit<K6Run, 'summary'>> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { env: { ...process.env, ...extraEnv, K6_NO_USAGE_REPORT: 'true' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('close', (exitCode) => resolvePromise({ exitCode, stdout, stderr }));
  });
}
