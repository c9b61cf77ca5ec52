// npm run setup: installs, starts services, migrates, seeds, builds the dashboard and serves it, with
// the live demo feed, until Ctrl-C.
import { existsSync } from 'node:fs';
import { expect } from 'vitest';
import { progress } from '../../src/progress.ts';
import type { ReadmeCommand } from '../../src/readme-commands.ts';
import { ShellProcess } from '../../src/shell-process.ts';
import { portAnswers, trpcQuery } from '../../src/wick-http.ts';
import { BASE, CACHE_PREFIX, commandEnv, count } from '../support/context.ts';
import { latestOf, untilCandlesMove } from './server.ts';
import { REPO_ROOT } from '../../src/environment.ts';

async function until200(url: string, timeoutMs: number): Promise<Response> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const res = await fetch(url).catch(() => null);
    if (res?.status === 200) return res;
    if (performance.now() > deadline)
      throw new Error(`${url} did not answer 200 within ${timeoutMs / 1000} s (last: ${res?.status ?? 'no answer'})`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export async function setupCommand(cmd: ReadmeCommand): Promise<void> {
  expect(await portAnswers(3000), 'port 3000 is in use: npm run setup serves there').toBe(false);
  // The demo's ingest key is setup's own default: no INGEST_API_KEYS from the test.
  const env = commandEnv({ INGEST_API_KEYS: undefined, CACHE_PREFIX: `${CACHE_PREFIX}_setup` });
  progress(`$ ${cmd.text}   (runs until Ctrl-C)`);
  // Setup's bootstrap runs `pnpm install`: on a shared box it takes the lock other installs take.
  const setup = new ShellProcess(existsSync('/usr/bin/flock') ? `flock /tmp/wick-pnpm.lock ${cmd.text}` : cmd.text, {
    cwd: REPO_ROOT,
    env,
  });
  try {
    const dashboard = (await setup.waitFor(/\[setup\] dashboard: (http:\/\/\S+)/, 300_000, 'the dashboard URL'))[1]!;
    expect(dashboard).toBe(`${BASE}/`);
    const page = await until200(dashboard, 120_000);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await page.text();
    expect(html).toContain('<div id="root"></div>');
    // The production build (hashed assets), not Vite's dev entry.
    expect(html).toMatch(/<script type="module" crossorigin src="\/assets\/[\w.-]+\.js"><\/script>/);
    const health = await until200(`${BASE}/health`, 30_000);
    expect(((await health.json()) as { ok: boolean }).ok).toBe(true);
    expect(setup.output).toContain(`Wick is serving on ${BASE}`);
    // Seeded by setup's defaults (3 symbols), and live: the simulator moves the open candles.
    const names = (await trpcQuery<{ symbols: { name: string }[] }>(BASE, 'symbols.list', undefined)).symbols.map((s) => s.name);
    expect(names).toHaveLength(await count('SELECT COUNT(*) FROM symbols'));
    const before = await latestOf(names);
    progress(`  dashboard answers; waiting for the live feed to move a candle`);
    await untilCandlesMove(names, before, 90_000);
  } finally {
    // Ctrl-C: SIGINT to the foreground job's whole process group.
    await setup.stop('SIGINT', 40_000);
  }
  expect(await portAnswers(3000), 'something still serves on 3000 after Ctrl-C').toBe(false);
  expect(setup.output).not.toMatch(/shutdown failed/);
}
