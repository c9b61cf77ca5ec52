import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, createTestDatabase, getCandles, seed, urlForDatabase, type Database, type TestDatabase } from '@wick/db';
import { INTERVAL_MS } from '@wick/market';
import { loadConfig, startServer, type RunningServer } from '@wick/server';
import { INGEST_KEY, serverEnv, testClient, type TestClient } from '@wick/server/testing';

/*
 * A database replaced under a cache that keeps running (same Valkey, same CACHE_PREFIX): dropped and
 * created again, re-seeded, imported into. Every server here runs on the one database name and the
 * one cache namespace, and the cache is cleared only once, at the start: what it holds of older data
 * is what the product must not serve.
 */
const NAME = 'wick_test_srv_reseed';
const ENV = serverEnv('reseed', urlForDatabase(NAME));
const CLI = fileURLToPath(new URL('../src/cli/data-command.ts', import.meta.url));
const SERVER_DIR = fileURLToPath(new URL('..', import.meta.url));
const FIXTURES = fileURLToPath(new URL('../../../packages/db/test/fixtures/', import.meta.url));
const MINUTE = INTERVAL_MS['1m'];
/** Seeds span 2024-01-01 (UTC), explicit, so they do not depend on the clock; the import fixtures fall on that day. */
const START = Date.UTC(2024, 0, 1);
const END = START + INTERVAL_MS['1d'];
const SEED = { days: 1, start: START };

interface Served {
  server: RunningServer;
  client: TestClient;
  ingest: TestClient;
}

async function serve(): Promise<Served> {
  const server = await startServer(loadConfig(ENV));
  // Cache outcomes are asserted: start once the cache is connected (a busy box takes a few seconds).
  for (let i = 0; i < 600 && server.cache.breakerState !== 'closed'; i++) await new Promise((r) => setTimeout(r, 50));
  if (server.cache.breakerState !== 'closed') {
    await server.close();
    throw new Error('the cache is not connected to Valkey: is the cluster up? (scripts/services.sh up)');
  }
  return { server, client: testClient({ url: server.url }), ingest: testClient({ url: server.url, apiKey: INGEST_KEY }) };
}

/** `pnpm db:seed` / `pnpm db:import` as the root scripts run them, on this file's database and cache namespace. */
async function dataCommand(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
    cwd: SERVER_DIR,
    env: { ...process.env, ...ENV, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stdout, stderr };
}

const latest = { symbol: 'BTCUSDT', interval: '1m' as const, limit: 50 };
const summaryOf = (client: TestClient, symbol?: string) =>
  client.liquidations.summary.query({ bucket: '1h', from: START, to: END - 1, ...(symbol ? { symbol } : {}) });

/** What MySQL holds: the answer every read must agree with. */
async function storedLatest(database: Database) {
  const c = await getCandles(database, { ...latest, newest: true });
  return { time: Array.from(c.time), close: Array.from(c.close), volume: Array.from(c.volume) };
}
async function storedLiquidations(database: Database, symbol?: string): Promise<number> {
  const [rows] = await database.pool.query(
    'SELECT COUNT(*) AS n FROM liquidation_orders l JOIN symbols s ON s.id = l.symbol_id' +
      ' WHERE l.order_trade_time BETWEEN ? AND ?' +
      (symbol ? ' AND s.name = ?' : ''),
    [START, END - 1, ...(symbol ? [symbol] : [])],
  );
  return Number((rows as { n: number }[])[0]!.n);
}
const served = (r: { candles: { time: number[]; close: number[]; volume: number[] } }) => ({
  time: r.candles.time,
  close: r.candles.close,
  volume: r.candles.volume,
});
const count = (s: { totals: { longCount: number; shortCount: number } }) => s.totals.longCount + s.totals.shortCount;

let current: Served | undefined;
let database: TestDatabase | undefined;
/** A second pool on the same database: reads what is stored, whatever the server caches. */
let direct: Database | undefined;

beforeAll(async () => {
  database = await createTestDatabase(NAME);
  await seed(database, { ...SEED, symbols: 2, liquidations: 2_000, seed: 1 });
  current = await serve();
  // The one clear: the namespace starts empty, then keeps whatever this file's servers put there.
  await current.server.cache.clear();
}, 120_000);

afterAll(async () => {
  await current?.server.close();
  await direct?.close();
  await database?.drop();
});

describe('a database replaced under a running cache', () => {
  it('dropped and created again (migrate + seed, the cache not told): the first ingest is not ignored and the next read has it', async () => {
    const a = current!;
    expect((await a.client.candles.range.query(latest)).cache.status).toBe('miss');
    // Writes through Wick move the cached heads well past where a restarted count would begin.
    const last = (await a.client.candles.range.query(latest)).candles;
    for (let i = 1; i <= 4; i++) {
      const close = last.close.at(-1)! + i;
      await a.ingest.candles.ingest.mutate({
        symbol: 'BTCUSDT',
        interval: '1m',
        candles: [{ time: END, open: close, high: close, low: close, close, volume: i }],
      });
    }
    const before = await a.client.candles.range.query(latest);
    expect(before.candles.time.at(-1)).toBe(END);
    expect(before.candles.volume.at(-1)).toBe(4);
    await a.server.close();
    current = undefined;

    await database!.drop();
    database = await createTestDatabase(NAME);
    await seed(database, { ...SEED, symbols: 2, liquidations: 2_000, seed: 2 });
    const b = (current = await serve());
    const candle = { time: END, open: 1000, high: 1001, low: 999, close: 1000.5, volume: 7 };
    const answer = await b.ingest.candles.ingest.mutate({ symbol: 'BTCUSDT', interval: '1m', candles: [candle] });
    expect(answer.affected).toBe(1);

    direct = createDatabase({ url: urlForDatabase(NAME) });
    const after = await b.client.candles.range.query(latest);
    expect(after.candles.time.at(-1)).toBe(END);
    expect([after.candles.close.at(-1), after.candles.volume.at(-1)]).toEqual([candle.close, candle.volume]);
    // Not the old data's candles around it either: every candle is the new database's.
    expect(served(after)).toEqual(await storedLatest(direct));
    expect(served(after).close).not.toEqual(served(before).close);
  }, 120_000);

  it('re-seeded with other data by `pnpm db:seed`: the next reads answer from the new data (candles, summaries, symbols)', async () => {
    const b = current!;
    const candles = served(await b.client.candles.range.query(latest));
    expect((await b.client.candles.range.query(latest)).cache.status).toBe('hit');
    const summary = await summaryOf(b.client);
    expect((await summaryOf(b.client)).cache.status).toBe('hit');
    const btcSummary = await summaryOf(b.client, 'BTCUSDT');
    expect((await b.client.symbols.list.query()).symbols.map((s) => s.name)).toEqual(['BTCUSDT', 'ETHUSDT']);

    const run = await dataCommand([
      'seed',
      '--symbols',
      '3',
      '--days',
      '1',
      '--start',
      '2024-01-01',
      '--liquidations',
      '3000',
      '--seed',
      '3',
    ]);
    expect(run.stderr, run.stdout).toBe('');
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^symbols {7}BTCUSDT ETHUSDT SOLUSDT$/m);
    // Three symbols (the two replaced are among them) × six intervals; the symbol list, three summaries and the all-symbols one.
    expect(run.stdout).toContain(
      'cache         retired 18 series and 5 namespaces (cache prefix t_reseed): every reader answers from the new data',
    );

    const after = await b.client.candles.range.query(latest);
    expect(after.cache.status).toBe('miss');
    expect(served(after)).toEqual(await storedLatest(direct!));
    expect(served(after)).not.toEqual(candles);
    const summaryAfter = await summaryOf(b.client);
    expect(summaryAfter.cache.status).toBe('miss');
    expect(count(summaryAfter)).toBe(await storedLiquidations(direct!));
    expect(count(summaryAfter)).not.toBe(count(summary));
    expect(count(await summaryOf(b.client, 'BTCUSDT'))).toBe(await storedLiquidations(direct!, 'BTCUSDT'));
    expect(count(await summaryOf(b.client, 'BTCUSDT'))).not.toBe(count(btcSummary));
    expect((await b.client.symbols.list.query()).symbols.map((s) => s.name)).toEqual(['BTCUSDT', 'ETHUSDT', 'SOLUSDT']);
  }, 300_000);

  it('`pnpm db:import` of liquidations and of klines: the next summaries and candles include the imported rows', async () => {
    const b = current!;
    const before = { all: count(await summaryOf(b.client)), btc: count(await summaryOf(b.client, 'BTCUSDT')) };
    expect((await summaryOf(b.client, 'BTCUSDT')).cache.status).toBe('hit');
    const liq = await dataCommand([
      'import',
      '--kind',
      'liquidations',
      '--symbol',
      'BTCUSDT',
      `${FIXTURES}BTCUSDT-liquidationSnapshot-2024-01-01.csv`,
    ]);
    expect(liq.stderr, liq.stdout).toBe('');
    expect(liq.code, liq.stdout + liq.stderr).toBe(0);
    const inserted = Number(/: (\d+) inserted/.exec(liq.stdout)?.[1]);
    expect(inserted, liq.stdout).toBeGreaterThan(0);
    expect(liq.stdout).toContain('cache         retired 0 series and 3 namespaces');
    const btc = await summaryOf(b.client, 'BTCUSDT');
    expect(btc.cache.status).toBe('miss');
    expect(count(btc)).toBe(before.btc + inserted);
    expect(count(await summaryOf(b.client))).toBe(before.all + inserted);
    expect(count(btc)).toBe(await storedLiquidations(direct!, 'BTCUSDT'));

    // Real Binance minutes of 00:00–01:59 over the seeded ones of that day.
    const window = { symbol: 'BTCUSDT', interval: '1m' as const, from: START, to: START + 119 * MINUTE, limit: 120 };
    const seeded = served(await b.client.candles.range.query(window));
    expect((await b.client.candles.range.query(window)).cache.status).toBe('hit');
    const hourly = { ...window, interval: '1h' as const, limit: 2, to: START + 60 * MINUTE };
    const seededHours = served(await b.client.candles.range.query(hourly));
    const klines = await dataCommand([
      'import',
      '--kind',
      'klines',
      '--symbol',
      'BTCUSDT',
      '--interval',
      '1m',
      `${FIXTURES}BTCUSDT-1m-2024-01-01.csv`,
    ]);
    expect(klines.stderr, klines.stdout).toBe('');
    expect(klines.code, klines.stdout + klines.stderr).toBe(0);
    expect(klines.stdout).toMatch(/: 0 inserted, 120 updated, 0 unchanged/);
    expect(klines.stdout).toContain('cache         retired 6 series and 1 namespaces');
    const imported = served(await b.client.candles.range.query(window));
    const stored = await getCandles(direct!, window);
    expect(imported).toEqual({ time: Array.from(stored.time), close: Array.from(stored.close), volume: Array.from(stored.volume) });
    expect(imported.close).not.toEqual(seeded.close);
    // The roll-ups the import re-derived are not served from before it either.
    const hours = served(await b.client.candles.range.query(hourly));
    const storedHours = await getCandles(direct!, hourly);
    expect(hours.close).toEqual(Array.from(storedHours.close));
    expect(hours.close).not.toEqual(seededHours.close);
  }, 300_000);

  it('a backup restored under a running cache, then `pnpm db:restored`: reads answer from the restored data, and the next ingest is seen', async () => {
    const b = current!;
    const pool = direct!.pool;
    // Everything a backup of the candles holds, series heads included (as `mysqldump` would take them).
    const TABLES = ['candles', 'series_heads'];
    for (const t of TABLES) {
      await pool.query(`DROP TABLE IF EXISTS backup_${t}`);
      await pool.query(`CREATE TABLE backup_${t} LIKE ${t}`);
      await pool.query(`INSERT INTO backup_${t} SELECT * FROM ${t}`);
    }
    const backedUp = await storedLatest(direct!);
    const appendMinute = async (volume: number) => {
      const last = (await b.client.candles.range.query(latest)).candles;
      const time = last.time.at(-1)! + MINUTE;
      const close = last.close.at(-1)!;
      await b.ingest.candles.ingest.mutate({
        symbol: 'BTCUSDT',
        interval: '1m',
        candles: [{ time, open: close, high: close, low: close, close, volume }],
      });
      return time;
    };
    // Written through Wick after the backup was taken: the cache's heads move past the backup's.
    const undone = [await appendMinute(11), await appendMinute(12)];
    const cached = await b.client.candles.range.query(latest);
    expect(cached.candles.time.slice(-2)).toEqual(undone);

    for (const t of TABLES) {
      await pool.query(`DELETE FROM ${t}`);
      await pool.query(`INSERT INTO ${t} SELECT * FROM backup_${t}`);
      await pool.query(`DROP TABLE backup_${t}`);
    }
    expect(await storedLatest(direct!)).toEqual(backedUp);
    // Not told yet, the cache answers with what the restore undid: what the command is for.
    const untold = await b.client.candles.range.query(latest);
    expect(untold.cache.status).toBe('hit');
    expect(untold.candles.time.slice(-2)).toEqual(undone);

    const run = await dataCommand(['restored']);
    expect(run.stderr, run.stdout).toBe('');
    expect(run.code, run.stdout + run.stderr).toBe(0);
    // Three symbols × six intervals, each with a head.
    expect(run.stdout).toMatch(/^series heads {2}18 rebased above the database clock/m);
    expect(run.stdout).toContain('cache         retired 18 series and 5 namespaces (cache prefix t_reseed)');
    const restored = await b.client.candles.range.query(latest);
    expect(restored.cache.status).toBe('miss');
    expect(served(restored)).toEqual(backedUp);

    // The same minute again, now after the restore: its head's rev would be one the cache already
    // held (and ignored) had the heads not been moved above the clock.
    expect(await appendMinute(13)).toBe(undone[0]);
    const next = await b.client.candles.range.query(latest);
    expect(served(next)).toEqual(await storedLatest(direct!));
    expect([next.candles.time.at(-1), next.candles.volume.at(-1)]).toEqual([undone[0], 13]);
  }, 300_000);

  it('without Valkey the command still writes, and says the cache may answer from the old data', async () => {
    const b = current!;
    const window = { symbol: 'ETHUSDT', interval: '1m' as const, from: START, to: START + 9 * MINUTE, limit: 10 };
    const cached = served(await b.client.candles.range.query(window));
    const lines = ['open_time,open,high,low,close,volume,close_time,quote_volume,count,taker_buy_volume,taker_buy_quote_volume,ignore'];
    for (let i = 0; i < 10; i++) {
      const t = START + i * MINUTE;
      lines.push([t, '10', '12', '9', '11', '5', t + 59_999, '55', '3', '2', '22', '0'].join(','));
    }
    const { mkdtemp, writeFile, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const dir = await mkdtemp(`${tmpdir()}/wick-reseed-`);
    try {
      await writeFile(`${dir}/ETHUSDT-1m.csv`, `${lines.join('\n')}\n`);
      // A port nothing listens on: the cache cannot be told.
      const run = await dataCommand(['import', '--kind', 'klines', '--symbol', 'ETHUSDT', '--interval', '1m', `${dir}/ETHUSDT-1m.csv`], {
        VALKEY_NODES: '127.0.0.1:1',
      });
      expect(run.code, run.stdout + run.stderr).toBe(1);
      expect(run.stdout).toMatch(/: 0 inserted, 10 updated, 0 unchanged/);
      expect(run.stderr).toMatch(
        /^cache {9}NOT retired: of 6 series and 1 namespaces \(cache prefix t_reseed\), all of them \(no connection\) could not be bumped in Valkey \(127\.0\.0\.1:1\)/m,
      );
      expect(Array.from((await getCandles(direct!, window)).close)).toEqual(Array(10).fill(11));
      // Told now (the import is idempotent: nothing changes in MySQL, the cache is retired).
      const again = await dataCommand(['import', '--kind', 'klines', '--symbol', 'ETHUSDT', '--interval', '1m', `${dir}/ETHUSDT-1m.csv`]);
      expect(again.code, again.stdout + again.stderr).toBe(0);
      expect(again.stdout).toMatch(/: 0 inserted, 0 updated, 10 unchanged/);
      const now = served(await b.client.candles.range.query(window));
      expect(now.close).toEqual(Array(10).fill(11));
      expect(now.close).not.toEqual(cached.close);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 300_000);
});
