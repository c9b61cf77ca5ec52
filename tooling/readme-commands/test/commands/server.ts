// The commands that talk to a running server (curl, k6, the feeds, Vite): against one the test
// starts on 127.0.0.1:3000 (the address the commands name) over the data db:seed and db:import wrote.
import { readFileSync, rmSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from 'vitest';
import { REPO_ROOT } from '../../src/environment.ts';
import { progress } from '../../src/progress.ts';
import { normalized, type ReadmeCommand } from '../../src/readme-commands.ts';
import type { ShellProcess } from '../../src/shell-process.ts';
import { latestCandle, portAnswers, trpcQuery, type LatestCandle } from '../../src/wick-http.ts';
import { LocalBinance } from '../support/local-binance.ts';
import { BASE, count, expectSuccess, runExact, startExact, withPlaceholders } from '../support/context.ts';

let server: ShellProcess | null = null;

/** `pnpm start` (the root script) with the test's environment; not itself a README command. */
export async function startServer(): Promise<void> {
  expect(await portAnswers(3000), 'port 3000 is in use: the README commands need it (stop the server running there)').toBe(false);
  server = startExact('pnpm start');
  await server.waitFor(/Wick is serving on http:\/\/127\.0\.0\.1:3000/, 90_000, 'the "serving on" line');
}

export async function stopServer(): Promise<void> {
  if (!server) return;
  const s = server;
  server = null;
  await s.stop('SIGINT', 30_000);
}

function flagValue(text: string, name: string): string | undefined {
  return new RegExp(`--${name}[ =](\\S+)`).exec(normalized(text))?.[1];
}

async function symbols(): Promise<string[]> {
  const r = await trpcQuery<{ symbols: { name: string }[] }>(BASE, 'symbols.list', undefined);
  return r.symbols.map((s) => s.name);
}

export async function curlCommand(cmd: ReadmeCommand): Promise<void> {
  const text = normalized(cmd.text);
  const url = new URL(/'(http:\/\/[^']+)'/.exec(text)![1]!);
  const outFile = / -o (\S+)/.exec(text)?.[1];
  if (outFile) expect(existsSync(join(REPO_ROOT, outFile)), `${outFile} exists already at the repo root`).toBe(false);
  try {
    const done = await runExact(cmd, { timeoutMs: 60_000 });
    expectSuccess(done, cmd.text);
    if (url.pathname.startsWith('/trpc/')) {
      // The answer, not just the exit code: the documented shape for the documented input.
      const path = url.pathname.slice('/trpc/'.length);
      const input = (JSON.parse(url.searchParams.get('input')!) as { json: Record<string, unknown> }).json;
      const body = JSON.parse(done.output) as { result?: { data?: { json?: Record<string, unknown> } } };
      const data = body.result?.data?.json;
      expect(data, done.output.slice(0, 500)).toBeDefined();
      if (path === 'indicators.compute') {
        expect(data).toMatchObject({ symbol: input.symbol, interval: input.interval, indicator: input.indicator });
        const values = (data!.values as { value: (number | null)[] }).value;
        expect(values).toHaveLength(Number(input.limit));
        expect(values.every((v) => v === null || Number.isFinite(v))).toBe(true);
        expect(values.at(-1)).toEqual(expect.any(Number));
        expect(['miss', 'hit', 'stale']).toContain((data!.cache as { status: string }).status);
      }
    } else if (url.pathname === '/export/liquidations.csv') {
      expect(outFile).toBeDefined();
      const csv = readFileSync(join(REPO_ROOT, outFile!), 'utf8').trimEnd().split('\r\n');
      const columns = csv[0]!.split(',');
      expect(columns.slice(0, 3)).toEqual(['id', 'symbol', 'side']);
      const symbol = url.searchParams.get('symbol');
      const from = Number(url.searchParams.get('from') ?? 0);
      const expected = await count(
        'SELECT COUNT(*) FROM liquidation_orders l JOIN symbols s ON s.id = l.symbol_id WHERE (? IS NULL OR s.name = ?) AND l.order_trade_time >= ?',
        [symbol, symbol, from],
      );
      expect(expected).toBeGreaterThan(0);
      const rows = csv.slice(1).map((l) => l.split(','));
      expect(rows).toHaveLength(expected);
      const at = columns.indexOf('order_trade_time');
      expect(rows.every((r) => (!symbol || r[1] === symbol) && Number(r[at]) >= from)).toBe(true);
    } else throw new Error(`no check for curl of ${url.pathname}: add one`);
  } finally {
    if (outFile) rmSync(join(REPO_ROOT, outFile), { force: true });
  }
}

export async function k6Command(cmd: ReadmeCommand): Promise<void> {
  const done = await runExact(cmd, { timeoutMs: 180_000 });
  expectSuccess(done, cmd.text);
  // k6 exits non-zero when a threshold (every check passes, no failed request) is crossed.
  expect(done.output).toMatch(/checks/);
}

async function latestOf(names: string[]): Promise<Map<string, LatestCandle | undefined>> {
  return new Map(await Promise.all(names.map(async (s) => [s, await latestCandle(BASE, s)] as const)));
}

const moved = (a: LatestCandle | undefined, b: LatestCandle | undefined) =>
  !!b && (!a || a.time !== b.time || a.close !== b.close || a.volume !== b.volume);

/** Polls until a stored candle of one of `names` differs from `before`; the symbol that moved. */
async function untilCandlesMove(names: string[], before: Map<string, LatestCandle | undefined>, timeoutMs: number): Promise<string> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const now = await latestOf(names);
    const s = names.find((n) => moved(before.get(n), now.get(n)));
    if (s) return s;
    if (performance.now() > deadline) throw new Error(`no candle of ${names.join(', ')} moved within ${timeoutMs / 1000} s`);
    await sleep(250);
  }
}

export { latestOf, untilCandlesMove };

export async function feedSimCommand(cmd: ReadmeCommand): Promise<void> {
  const names = await symbols();
  const before = await latestOf(names);
  // The server alone does not move candles.
  await sleep(1000);
  expect([...(await latestOf(names))].filter(([s, c]) => moved(before.get(s), c))).toEqual([]);
  const sim = startExact(cmd);
  try {
    const symbol = await untilCandlesMove(names, before, 60_000);
    progress(`  ${symbol} moved`);
  } finally {
    const done = await sim.stop('SIGINT', 30_000);
    const stopped = done.output
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { msg?: string; candlesSent?: number; unauthorized?: number })
      .find((l) => l.msg === 'simulator stopped');
    expect(stopped, `no "simulator stopped" line:\n${done.output.slice(-2000)}`).toBeDefined();
    expect(stopped!.unauthorized).toBe(0);
    expect(stopped!.candlesSent).toBeGreaterThan(0);
  }
}

/**
 * Binance cannot be reached (no internet). The command runs as written plus the connector's base-URL
 * overrides (--ws-url, --rest-url) pointing at a local stand-in that speaks Binance's stream format:
 * the kline it sends must land in Wick; on Ctrl-C the connector stops cleanly.
 */
export async function feedBinanceCommand(cmd: ReadmeCommand): Promise<void> {
  const binance = await LocalBinance.start();
  try {
    const text = `${withPlaceholders(cmd.text)} --ws-url ${binance.wsUrl} --rest-url ${binance.restUrl}`;
    const feed = startExact(text);
    try {
      const symbols = (flagValue(cmd.text, 'symbols') ?? '').split(',');
      // It subscribes to the 1m klines and liquidations of every symbol it was given.
      const deadline = performance.now() + 60_000;
      while (binance.openSockets === 0 && performance.now() < deadline) await sleep(100);
      expect(binance.connections[0]?.sort()).toEqual(
        symbols.flatMap((s) => [`${s.toLowerCase()}@forceOrder`, `${s.toLowerCase()}@kline_1m`]).sort(),
      );
      // A minute an hour ahead: nothing else writes it.
      const time = Math.floor(Date.now() / 60_000) * 60_000 + 3_600_000;
      const candle = { time, open: 50_000, high: 50_100, low: 49_900, close: 50_050.5, volume: 12.5 };
      binance.sendKline(symbols[0]!, candle);
      const until = performance.now() + 60_000;
      for (;;) {
        const latest = await latestCandle(BASE, symbols[0]!);
        if (latest?.time === time && latest.close === candle.close) break;
        if (performance.now() > until) throw new Error(`the kline sent never reached Wick (latest ${JSON.stringify(latest)})`);
        await sleep(200);
      }
    } finally {
      const done = await feed.stop('SIGINT', 30_000);
      expect(done.output).not.toContain('Wick does not know these symbols');
      expect(done.output).not.toContain('no ingest key');
      expect(done.output).toContain('binance connector stopped');
    }
  } finally {
    await binance.close();
  }
}

export async function webDevCommand(cmd: ReadmeCommand): Promise<void> {
  const vite = startExact(cmd);
  try {
    const url = (await vite.waitFor(/Local:\s+(http:\/\/\S+)/, 90_000, 'Vite\'s "Local:" URL'))[1]!;
    const page = await fetch(url);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<div id="root"></div>');
    expect(html).toContain('/src/main.tsx');
    // "against a running server": the API paths go through Vite's proxy to it.
    const health = await fetch(new URL('/health', url));
    expect(health.status).toBe(200);
    expect(((await health.json()) as { ok: boolean }).ok).toBe(true);
  } finally {
    await vite.stop('SIGINT', 30_000);
  }
}
