// The live-feed benchmark (issue #11): W writers update the open 1m candle of H hot series twice a
// second, on a feed clock that runs SPEED× faster than the wall clock (so a candle closes every
// 60/SPEED s and 5m … 1h buckets roll over during the run), while R readers ask for a Zipf mix of
// "latest" windows over those series and their higher intervals. Three runs on the same seeded
// database and two real server processes: no feed, feed with append-aware results on, feed with
// them off (APPEND_AWARE=0), feed with the fast path off (FAST_PATH=off: every read through tRPC).
// After each acknowledged write its writer reads the series' 1m window on the other process: a read
// that does not show the write is counted stale. Prints a markdown table; never fails on time.
//   pnpm --filter @wick/load-tests exec tsx bench/live-feed.ts [--seconds 30] [--warmup 5] [--hot 4]
//     [--writers 2] [--readers 10] [--speed 30] [--limit 500]
import http from 'node:http';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { createTestDatabase, getCandles, seed, urlForDatabase, type Database } from '@wick/db';
import { spawnServer, type ServerProcess } from '@wick/server/testing';
import { decodeResponse, mutationRequest, queryUrl } from '../lib/trpc-wire.js';
import { MIX_INDICATORS, prng, zipf } from '../lib/zipf.js';
import { engineRuns, metric, percentile, query, request } from './http.ts';

// BENCH_SMOKE=1 (the README test): the same three runs and code paths at tiny sizes, ~1 s cells.
const SMOKE = process.env.BENCH_SMOKE === '1';
const { values: flags } = parseArgs({
  options: {
    seconds: { type: 'string', default: SMOKE ? '1' : '30' },
    warmup: { type: 'string', default: SMOKE ? '1' : '5' },
    hot: { type: 'string', default: SMOKE ? '2' : '4' },
    writers: { type: 'string', default: SMOKE ? '1' : '2' },
    readers: { type: 'string', default: SMOKE ? '2' : '10' },
    speed: { type: 'string', default: '30' },
    limit: { type: 'string', default: SMOKE ? '100' : '500' },
  },
});
const int = (name: keyof typeof flags, min: number, max: number) => {
  const n = Number(flags[name]);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`--${name} must be an integer in [${min}, ${max}]`);
  return n;
};
const SECONDS = int('seconds', 1, 3600);
const WARMUP = int('warmup', 0, 600);
const HOT = int('hot', 1, 16);
const WRITERS = Math.min(int('writers', 1, 64), HOT);
const READERS = int('readers', 1, 500);
const SPEED = int('speed', 1, 600);
const LIMIT = int('limit', 10, 5000);
const UPDATES_PER_SECOND = 2;
const INTERVALS = ['1m', '5m', '15m', '1h'] as const;
const MINUTE = 60_000;
const DB_NAME = 'wick_bench_live';
const INGEST = 'bench-live-ingest-key';
const ADMIN = 'bench-live-admin-key';

const t0 = performance.now();
const log = (line: string) => process.stderr.write(`[live ${((performance.now() - t0) / 1000).toFixed(0).padStart(4)} s] ${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// --- the read mix -----------------------------------------------------------------------------
interface Read {
  path: string;
  symbol: string;
  kind: 'candles' | 'indicator';
}

/** A query's path and search, asked of any server. */
function pathOf(url: string): string {
  const u = new URL(url);
  return u.pathname + u.search;
}

/** The candle window of a series the readers ask for. */
const candlesPath = (symbol: string, interval: (typeof INTERVALS)[number]) =>
  pathOf(queryUrl('http://x', 'candles.range', { symbol, interval, limit: LIMIT }));

/** Candles and the standard indicators over every hot series and interval, most popular first. */
function readMix(base: string, symbols: string[]): Read[] {
  const kinds = [{ indicator: 'candles', params: {} }, ...MIX_INDICATORS];
  const out: (Read & { rank: number })[] = [];
  for (const [k, kind] of kinds.entries())
    for (const [i, interval] of INTERVALS.entries())
      for (const [s, symbol] of symbols.entries()) {
        const path =
          kind.indicator === 'candles'
            ? candlesPath(symbol, interval)
            : pathOf(
                queryUrl(base, 'indicators.compute', { symbol, interval, indicator: kind.indicator, params: kind.params, limit: LIMIT }),
              );
        out.push({ path, symbol, kind: k === 0 ? 'candles' : 'indicator', rank: k + i + s });
      }
  return out.sort((a, b) => a.rank - b.rank);
}

// --- the feed ---------------------------------------------------------------------------------
interface Candle {
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

const cents = (v: number) => Math.round(v * 100) / 100;

/** One hot series' open candle, moved by the feed clock: an update of the same minute, or the next one. */
class HotSeries {
  constructor(
    readonly symbol: string,
    private candle: Candle,
    private readonly random: () => number,
  ) {}

  /** Open time of the series' newest candle. */
  get time(): number {
    return this.candle.time;
  }

  next(feedNow: number): Candle {
    const minute = Math.floor(feedNow / MINUTE) * MINUTE;
    const move = (p: number) => cents(Math.max(0.01, p * (1 + (this.random() - 0.5) * 0.002)));
    if (minute > this.candle.time) {
      const open = this.candle.close;
      this.candle = { time: minute, open, high: open, low: open, close: open, volume: 0 };
    }
    const close = move(this.candle.close);
    const c = this.candle;
    this.candle = {
      ...c,
      close,
      high: Math.max(c.high, close),
      low: Math.min(c.low, close),
      volume: Math.round((c.volume + 1 + this.random() * 5) * 1000) / 1000,
    };
    return this.candle;
  }
}

async function hotSeries(database: Database, symbols: string[], seedNo: number): Promise<HotSeries[]> {
  return Promise.all(
    symbols.map(async (symbol, i) => {
      const c = await getCandles(database, { symbol, interval: '1m', limit: 1, newest: true });
      const candle = { time: c.time[0]!, open: c.open[0]!, high: c.high[0]!, low: c.low[0]!, close: c.close[0]!, volume: c.volume[0]! };
      return new HotSeries(symbol, candle, prng(seedNo * 100 + i));
    }),
  );
}

// --- one run ----------------------------------------------------------------------------------
interface Counters {
  engine: number;
  dbLoads: number;
  advanced: number;
}

async function counters(urls: string[]): Promise<Counters> {
  const out = { engine: 0, dbLoads: 0, advanced: 0 };
  for (const url of urls) {
    out.engine += await engineRuns(url);
    out.dbLoads += await metric(url, 'wick_candle_db_loads_total');
    out.advanced += (await query<{ advanced: number }>(url, 'cache.stats')).data.advanced;
  }
  return out;
}

interface RunResult {
  name: string;
  reads: number;
  statuses: Record<string, number>;
  indicatorMs: number[];
  hitMs: number[];
  writes: number;
  writeMs: number[];
  writeErrors: number;
  /** Reads of the written window on the other process right after an acknowledged write, and those that missed it. */
  checks: number;
  staleAfterAck: number;
  delta: Counters;
  feedMinutes: number;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: READERS + WRITERS + 4 });

function get(origin: string, path: string): Promise<{ status: number; body: string; ms: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    http
      .get(origin + path, { agent }, (res) => {
        const parts: Buffer[] = [];
        res.on('data', (d: Buffer) => parts.push(d));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(parts).toString('utf8'), ms: performance.now() - started }),
        );
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

function statusOf(status: number, body: string): string {
  if (status !== 200) return `http ${status}`;
  const at = body.lastIndexOf('"cache":{"status":"');
  return at === -1 ? 'none' : body.slice(at + 19, body.indexOf('"', at + 19));
}

async function run(
  name: string,
  servers: string[],
  database: Database,
  symbols: string[],
  opts: { feed: boolean; seedNo: number },
): Promise<RunResult> {
  const [A] = servers as [string];
  const mix = readMix(A, symbols);
  const minutePaths = new Map(symbols.map((symbol) => [symbol, candlesPath(symbol, '1m')]));
  const draw = zipf(mix.length, 1.1, prng(opts.seedNo));

  const hot = await hotSeries(database, symbols, opts.seedNo);
  // The feed continues every series from its newest stored minute (ahead of the wall clock after a run with a feed).
  const feedStart = Math.max(...hot.map((h) => h.time));
  const wallStart = Date.now();
  const feedNow = () => feedStart + (Date.now() - wallStart) * SPEED;

  let measuring = false;
  let stopping = false;
  const result: RunResult = {
    name,
    reads: 0,
    statuses: {},
    indicatorMs: [],
    hitMs: [],
    writes: 0,
    writeMs: [],
    writeErrors: 0,
    checks: 0,
    staleAfterAck: 0,
    delta: { engine: 0, dbLoads: 0, advanced: 0 },
    feedMinutes: 0,
  };

  const readers = Array.from({ length: READERS }, async (_, r) => {
    const origin = servers[r % servers.length]!;
    while (!stopping) {
      const read = mix[draw()]!;
      const answer = await get(origin, read.path);
      if (!measuring) continue;
      const status = statusOf(answer.status, answer.body);
      result.reads++;
      result.statuses[status] = (result.statuses[status] ?? 0) + 1;
      if (read.kind === 'indicator') {
        result.indicatorMs.push(answer.ms);
        if (status === 'hit') result.hitMs.push(answer.ms);
      }
    }
  });

  // Each writer owns every WRITERS-th series and updates each of them twice a second.
  const writers = opts.feed
    ? Array.from({ length: WRITERS }, async (_, w) => {
        const mine = hot.filter((_, i) => i % WRITERS === w);
        const periodMs = 1000 / UPDATES_PER_SECOND;
        let next = performance.now();
        while (!stopping) {
          for (const series of mine) {
            const candle = series.next(feedNow());
            const m = mutationRequest(A, 'candles.ingest', { symbol: series.symbol, interval: '1m', candles: [candle] }, INGEST);
            const started = performance.now();
            const answer = await request(m.url, { method: 'POST', headers: m.headers, body: m.body });
            if (!measuring) continue;
            const acked = answer.status === 200 && decodeResponse(answer.body).ok;
            if (!acked) result.writeErrors++;
            result.writes++;
            result.writeMs.push(performance.now() - started);
            // This writer alone writes the series: until its next write, every reader must see exactly this candle.
            if (acked && servers.length > 1) {
              const check = await get(servers[1]!, minutePaths.get(series.symbol)!);
              const seen = decodeResponse(check.body);
              const c = seen.ok ? (seen.data as { candles: { time: number[]; close: number[] } }).candles : null;
              result.checks++;
              if (!c || c.time.at(-1) !== candle.time || c.close.at(-1) !== candle.close) result.staleAfterAck++;
            }
          }
          next += periodMs;
          const wait = next - performance.now();
          if (wait > 0) await sleep(wait);
          else next = performance.now(); // behind: skip ticks instead of bursting
        }
      })
    : [];

  log(`${name}: warming up ${WARMUP} s`);
  await sleep(WARMUP * 1000);
  const before = await counters(servers);
  const feedAtStart = feedNow();
  measuring = true;
  log(`${name}: measuring ${SECONDS} s (${READERS} readers${opts.feed ? `, ${WRITERS} writers on ${HOT} series, feed ×${SPEED}` : ''})`);
  await sleep(SECONDS * 1000);
  measuring = false;
  result.feedMinutes = opts.feed ? (feedNow() - feedAtStart) / MINUTE : 0;
  const after = await counters(servers);
  stopping = true;
  await Promise.all([...readers, ...writers]);
  result.delta = {
    engine: after.engine - before.engine,
    dbLoads: after.dbLoads - before.dbLoads,
    advanced: after.advanced - before.advanced,
  };
  return result;
}

/** Leaves the run's namespace empty; a cluster too busy to scan it in time only costs memory. */
async function clearCache(base: string): Promise<void> {
  const clear = mutationRequest(base, 'cache.clear', undefined, ADMIN);
  const cleared = await request(clear.url, { method: 'POST', headers: clear.headers, body: clear.body });
  if (cleared.status !== 200) log(`cache.clear after the run answered ${cleared.status}; its keys stay until they expire`);
}

// --- main -------------------------------------------------------------------------------------
async function main() {
  log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, Node ${process.version}, load ${loadavg()[0]!.toFixed(1)}`);
  const database = await createTestDatabase(DB_NAME);
  const days = SMOKE ? 1 : 7;
  if (SMOKE) log('smoke run (BENCH_SMOKE=1): tiny sizes, 1 s cells; the figures mean nothing');
  log(`database ${DB_NAME}: seeding ${HOT} symbols × ${days} days of 1m candles, ending at the present`);
  const report = await seed(database, { symbols: HOT, days, liquidations: 0, seed: 11 });
  const symbols = report.symbols.slice(0, HOT);

  const env = {
    HOST: '127.0.0.1',
    PORT: '0',
    NODE_ENV: 'production',
    LOG_LEVEL: 'error',
    DATABASE_URL: urlForDatabase(DB_NAME),
    VALKEY_NODES: process.env.VALKEY_NODES ?? '127.0.0.1:7000,127.0.0.1:7001,127.0.0.1:7002',
    ADMIN_API_KEYS: ADMIN,
    INGEST_API_KEYS: INGEST,
    RATE_LIMIT: '0',
  };
  const results: RunResult[] = [];
  const phases: { name: string; feed: boolean; env: Record<string, string> }[] = [
    { name: 'no feed', feed: false, env: {} },
    { name: 'feed, append-aware on', feed: true, env: {} },
    { name: 'feed, append-aware off', feed: true, env: { APPEND_AWARE: '0' } },
    { name: 'feed, fast path off', feed: true, env: { FAST_PATH: 'off' } },
  ];
  for (const [i, phase] of phases.entries()) {
    log(`${phase.name}: starting two server processes`);
    // A cache namespace of its own per run: every run starts cold, without clearing a busy cluster.
    const phaseEnv = { ...env, ...phase.env, CACHE_PREFIX: `bench_live_${i}` };
    const servers: ServerProcess[] = await Promise.all([spawnServer(phaseEnv), spawnServer(phaseEnv)]);
    try {
      results.push(
        await run(
          phase.name,
          servers.map((s) => s.url),
          database,
          symbols,
          { feed: phase.feed, seedNo: 42 + i },
        ),
      );
    } finally {
      await clearCache(servers[0]!.url);
      await Promise.all(servers.map((s) => s.stop()));
    }
  }
  await database.drop();
  agent.destroy();

  const f = (n: number, d = 2) => (Number.isFinite(n) ? n.toFixed(d) : 'n/a');
  const pct = (s: number[], q: number) =>
    percentile(
      [...s].sort((a, b) => a - b),
      q,
    );
  const indicatorKeysPerSeries = MIX_INDICATORS.length * INTERVALS.length;
  const lines = [
    `## Live feed (${HOT} hot series, ${WRITERS} writers × ${UPDATES_PER_SECOND} updates/s per series, feed clock ×${SPEED}, ${READERS} readers, Zipf 1.1 over ${readMix('http://x', symbols).length} latest windows of ${LIMIT} candles on ${INTERVALS.join('/')}, ${SECONDS} s each)`,
    '',
    '| run | reads | hit rate | indicator p50 / p99 ms | cached (hit) p50 / p99 ms | writes (feed minutes) | engine tasks / write | per cached result per write | DB loads / write | advanced | write p50 / p99 ms | stale after ack (other process) |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of results) {
    const hits = r.statuses.hit ?? 0;
    const perWrite = (n: number) => (r.writes === 0 ? 'n/a' : f(n / r.writes, 3));
    const perResult = r.writes === 0 ? 'n/a' : f(r.delta.engine / r.writes / indicatorKeysPerSeries, 3);
    const other = Object.entries(r.statuses)
      .filter(([s]) => s !== 'hit')
      .map(([s, n]) => `${n} ${s}`)
      .join(', ');
    lines.push(
      `| ${r.name} | ${r.reads} | ${f((100 * hits) / Math.max(1, r.reads), 2)} %${other ? ` (${other})` : ''} | ${f(pct(r.indicatorMs, 0.5))} / ${f(pct(r.indicatorMs, 0.99))} | ${f(pct(r.hitMs, 0.5))} / ${f(pct(r.hitMs, 0.99))} | ${r.writes}${r.writeErrors ? ` (${r.writeErrors} failed)` : ''} (${f(r.feedMinutes, 1)}) | ${perWrite(r.delta.engine)} | ${perResult} | ${perWrite(r.delta.dbLoads)} | ${r.delta.advanced} | ${f(pct(r.writeMs, 0.5))} / ${f(pct(r.writeMs, 0.99))} | ${r.feedMinutes > 0 ? `${r.staleAfterAck} of ${r.checks}` : '—'} |`,
    );
  }
  const [quiet, on, , trpcOnly] = results as [RunResult, RunResult, RunResult, RunResult];
  const hitRateOf = (r: RunResult) => (r.statuses.hit ?? 0) / Math.max(1, r.reads);
  const hitRateOn = hitRateOf(on);
  const stale = results.reduce((n, r) => n + r.staleAfterAck, 0);
  const checks = results.reduce((n, r) => n + r.checks, 0);
  const p99Ratio = pct(on.indicatorMs, 0.99) / pct(quiet.indicatorMs, 0.99);
  lines.push(
    '',
    `Targets (append-aware on): hit rate ≥ 99 % → ${f(100 * hitRateOn)} % ${hitRateOn >= 0.99 ? '✅' : '❌'}; ` +
      `indicator p99 within 1.2× of no feed → ${f(p99Ratio)}× ${p99Ratio <= 1.2 ? '✅' : '❌'}; ` +
      `at most one engine task per cached result per write → ${on.writes ? f(on.delta.engine / on.writes / indicatorKeysPerSeries, 3) : 'n/a'} ${on.writes && on.delta.engine / on.writes / indicatorKeysPerSeries <= 1 ? '✅' : '❌'}; ` +
      `hit rate with the fast path as without it (FAST_PATH=off) → ${f(100 * hitRateOn)} % vs ${f(100 * hitRateOf(trpcOnly))} %; ` +
      `no read after an acknowledged write misses it → ${stale} of ${checks} ${checks > 0 && stale === 0 ? '✅' : '❌'}.`,
    `"per cached result per write": engine tasks / writes / the ${indicatorKeysPerSeries} indicator results of the written series in the mix. Load average at the end: ${loadavg()[0]!.toFixed(1)}.`,
  );
  process.stdout.write(lines.join('\n') + '\n');
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
