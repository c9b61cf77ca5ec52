// pnpm bench, bench:e2e, bench:* — in smoke mode (BENCH_SMOKE=1): the same code paths at tiny sizes.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { expect } from 'vitest';
import { REPO_ROOT } from '../../src/environment.ts';
import { normalized, type ReadmeCommand } from '../../src/readme-commands.ts';
import { scriptEntries } from '../../src/script-entries.ts';
import { commandEnv, expectSuccess, runExact } from '../support/context.ts';

/** Every benchmark prints this line when it honours BENCH_SMOKE=1. */
export const SMOKE_MARK = 'smoke run (BENCH_SMOKE=1)';

/**
 * The docs/*.md reports a benchmark can write: those named in its entry's folder (bench/*.ts, where
 * the report writers live). Only these are compared: on a shared box other work edits docs/ too.
 */
function reportsOf(entries: string[]): string[] {
  const docs = new Set(readdirSync(join(REPO_ROOT, 'docs')).filter((f) => f.endsWith('.md')));
  const named = new Set<string>();
  for (const dir of new Set(entries.map((e) => dirname(e)))) {
    for (const f of readdirSync(join(REPO_ROOT, dir)).filter((x) => /\.[cm]?[jt]s$/.test(x))) {
      for (const m of readFileSync(join(REPO_ROOT, dir, f), 'utf8').matchAll(/([\w-]+\.md)\b/g)) if (docs.has(m[1]!)) named.add(m[1]!);
    }
  }
  return [...named].sort();
}

function hashes(files: string[]): Record<string, string> {
  return Object.fromEntries(
    files.map((f) => [
      f,
      createHash('sha1')
        .update(readFileSync(join(REPO_ROOT, 'docs', f)))
        .digest('hex'),
    ]),
  );
}

export async function benchCommand(cmd: ReadmeCommand): Promise<void> {
  // Before a long run: every entry file the script reaches must know BENCH_SMOKE (else it would run at full size).
  const entries = scriptEntries(REPO_ROOT, normalized(cmd.text).replace(/^pnpm /, ''));
  const unaware = entries.filter((f) => !readFileSync(join(REPO_ROOT, f), 'utf8').includes('BENCH_SMOKE'));
  expect(unaware, `benchmarks without BENCH_SMOKE support (add a smoke mode that prints "${SMOKE_MARK}")`).toEqual([]);
  const reports = reportsOf(entries);
  const before = hashes(reports);
  const done = await runExact(cmd, { timeoutMs: 420_000, env: commandEnv({ BENCH_SMOKE: '1' }) });
  expectSuccess(done, cmd.text);
  const marks = done.output.split('\n').filter((l) => l.includes(SMOKE_MARK)).length;
  // Each entry (`pnpm bench` is turbo over every package's) says it ran in smoke mode.
  expect(marks, `${entries.join(', ')} should each print "${SMOKE_MARK}"; ${marks} did:\n${done.output.slice(-3000)}`).toBe(entries.length);
  // Benchmarks print tables.
  expect(done.output).toMatch(/^.*\|.*\|.*\|\s*$/m);
  expect(hashes(reports), `a smoke run rewrote docs/ (${reports.join(', ')})`).toEqual(before);
}
