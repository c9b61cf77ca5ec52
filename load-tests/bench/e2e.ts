// pnpm bench:e2e — the end-to-end benchmark: real server processes, real Valkey cluster, real
// MariaDB seeded with millions of liquidations. Prints a markdown report and writes
// docs/benchmarks.md. It reports missed targets; it never fails on time.
//   --liquidations N   rows to seed (default 5,000,000; a matching seeded DB is reused)
//   --seconds S        each autocannon run (default 10)
//   --mix S            the Zipf hit-rate run (default 60)
//   --samples N        sequential samples per latency measurement (default 300)
//   --out FILE         report file (default docs/benchmarks.md at the repo root)
// BENCH_SMOKE=1: the same code paths on a tiny database of its own (wick_bench_e2e_smoke) with ~1 s
// cells; prints the report but never writes it (the README test runs every README command this way).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { spawnServer, type ServerProcess } from '@wick/server/testing';
import { FAST, OURS, SEEDS } from '../lib/targets.js';
import { mutationRequest, queryUrl } from '../lib/trpc-wire.js';
import { MIX_INDICATORS, mixOf, prng, zipf } from '../lib/zipf.js';
import {
  engineRuns,
  loadCell,
  metric,
  query,
  request,
  simultaneous,
  startRawServer,
  stats,
  streamCount,
  wickCpuSeconds,
  type Cell,
} from './http.ts';
import { load } from './load.ts';
import { prepareDatabase, SEED, SMOKE_DB, SMOKE_SEED } from './prepare.ts';
import { renderReport, type Row } from './report.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SMOKE = process.env.BENCH_SMOKE === '1';
if (SMOKE) console.log('e2e: smoke run (BENCH_SMOKE=1): a tiny database of its own, ~1 s cells; the figures mean nothing');
const { values: flags } = parseArgs({
  options: {
    liquidations: { type: 'string', default: SMOKE ? '10000' : '5000000' },
    seconds: { type: 'string', default: SMOKE ? '1' : '10' },
    mix: { type: 'string', default: SMOKE ? '1' : '60' },
    samples: { type: 'string', default: SMOKE ? '10' : '300' },
    out: { type: 'string', default: resolve(root, 'docs/benchmarks.md') },
  },
});
const int = (name: string, v: string, min: number, max: number) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`--${name} must be an integer in [${min}, ${max}]`);
  return n;
};
const LIQUIDATIONS = int('liquidations', flags.liquidations!, 10_000, 50_000_000);
const SECONDS = int('seconds', flags.seconds!, 1, 600);
const MIX_SECONDS = int('mix', flags.mix!, 1, 3600);
const SAMPLES = int('samples', flags.samples!, 10, 100_000);
const CONNECTIONS = [1, 10, 50] as const;
const ADMIN = 'bench-admin-key';
const INGEST = 'bench-ingest-key';
/** Sequential ingests per L1 freshness mode (after 10 warm-up ones). */
const INGESTS = SMOKE ? 20 : 200; // even: the last ingest puts the candle back as it was
const SYMBOL = 'BTCUSDT';
const CANDLES = 1000;
/** Identical cold calls of the stampede (fewer in the smoke run, same code path). */
const STAMPEDE = SMOKE ? 100 : 1000;
/** Sequential warm-up before a one-at-a-time figure: this many requests, or this long if that comes first (never fewer than the samples). */
const WARMUP_REQUESTS = SMOKE ? 50 : 3000;
const WARMUP_MS = SMOKE ? 200 : 5000;
/** One-at-a-time samples of the paths compared are taken in this many rounds, a block of each path per round. */
const ROUNDS = 6;
type Sequential = ReturnType<typeof stats> & { early: ReturnType<typeof stats> };

const t0 = performance.now();
const log = (line: string) => process.stderr.write(`[e2e ${((performance.now() - t0) / 1000).toFixed(0).padStart(4)} s] ${line}\n`);

function machine() {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  let mem = '';
  try {
    const kb = Number(/MemTotal:\s+(\d+)/.exec(readFileSync('/proc/meminfo', 'utf8'))?.[1]);
    mem = `${Math.round(kb / 1024 / 1024)} GB RAM`;
  } catch {
    /* not Linux */
  }
  return { nproc: cpus().length, cpu, mem, node: process.version };
}

async function main() {
  const box = machine();
  const loadStart = loadavg()[0]!;
  log(`machine: ${box.nproc} × ${box.cpu}, ${box.mem}, Node ${box.node}`);
  const db = await prepareDatabase(LIQUIDATIONS, log, SMOKE ? { database: SMOKE_DB, seed: SMOKE_SEED } : undefined);
  const seedShape = SMOKE ? SMOKE_SEED : SEED;
  const [[ver]] = (await db.database.pool.query('SELECT VERSION() AS v')) as unknown as [[{ v: string }]];

  const env = {
    HOST: '127.0.0.1',
    PORT: '0',
    NODE_ENV: 'production',
    LOG_LEVEL: 'error',
    DATABASE_URL: db.url,
    VALKEY_NODES: process.env.VALKEY_NODES ?? '127.0.0.1:7000,127.0.0.1:7001,127.0.0.1:7002',
    CACHE_PREFIX: SMOKE ? 'bench_e2e_smoke' : 'bench_e2e',
    ADMIN_API_KEYS: ADMIN,
    INGEST_API_KEYS: INGEST,
    RATE_LIMIT: '0',
    // Every figure but the L1 freshness section's bus row is read mode (no bus member during them);
    // bus, the default, gets its own two processes in that section.
    FAST_PATH_L1_FRESHNESS: 'read',
  };
  log('starting four server processes: two as configured (fast path on), tRPC only, fast path without L1');
  const servers: ServerProcess[] = await Promise.all([
    spawnServer(env),
    spawnServer(env),
    spawnServer({ ...env, FAST_PATH: 'off' }),
    spawnServer({ ...env, FAST_PATH_L1: 'off' }),
  ]);
  const [A, B, T, N] = servers.map((s) => s.url) as [string, string, string, string];
  // Just started on a shared box, a process may still shed work (admission: event-loop delay): wait it out.
  for (const base of [A, B, T, N]) {
    for (let i = 0; ; i++) {
      const r = await request(queryUrl(base, 'candles.range', { symbol: SYMBOL, interval: '1m', limit: 1 }));
      if (r.status === 200) break;
      if (r.status !== 503 || i >= 120) throw new Error(`server ${base} is not answering: ${r.status} ${r.body}`);
      await new Promise((done) => setTimeout(done, 500));
    }
  }
  const tmp = mkdtempSync(join(tmpdir(), 'wick-bench-'));
  let raw: Awaited<ReturnType<typeof startRawServer>> | undefined;
  const rows: Row[] = [];
  const tables: string[] = [];
  try {
    const clear = async () => {
      const m = mutationRequest(A, 'cache.clear', undefined, ADMIN);
      const r = await request(m.url, { method: 'POST', headers: m.headers, body: m.body });
      if (r.status !== 200) throw new Error(`cache.clear: ${r.status} ${r.body}`);
    };
    await clear();

    // The series' candle times (newest 10,000), to name closed windows that nobody else uses.
    type Range = { candles: { time: number[] } };
    const newer = (await query<Range>(A, 'candles.range', { symbol: SYMBOL, interval: '1m', limit: 5000 })).data.candles.time;
    const older = (await query<Range>(A, 'candles.range', { symbol: SYMBOL, interval: '1m', limit: 5000, to: newer[0]! - 1 })).data.candles
      .time;
    const times = [...older, ...newer];
    const newest = times[times.length - 1]!;
    const std = { symbol: SYMBOL, interval: '1m', indicator: 'rsi', params: { period: 14 }, limit: CANDLES, to: newest };
    const batch3 = { items: [std, { ...std, indicator: 'ema', params: { period: 20 } }, { ...std, indicator: 'macd', params: {} }] };
    const urls = {
      noop: queryUrl(A, 'noop'),
      noopPayload: queryUrl(A, 'noopPayload'),
      raw: '',
      compute: queryUrl(A, 'indicators.compute', std),
      computeNoL1: queryUrl(N, 'indicators.compute', std),
      computeTrpc: queryUrl(T, 'indicators.compute', std),
      batch3: queryUrl(A, 'indicators.batch', batch3),
      batch3Trpc: queryUrl(T, 'indicators.batch', batch3),
    };
    const cpuOf: Record<string, () => Promise<number>> = {};
    for (const [name, url] of Object.entries(urls)) if (url) cpuOf[name] = wickCpuSeconds(new URL(url).origin);
    // Until the fast path serves them (an ETag): a series' first read creates its generation.
    let etag = '';
    for (const u of [urls.compute, urls.batch3, urls.computeNoL1, urls.computeTrpc, urls.batch3Trpc]) {
      for (let i = 0; i < 5; i++) {
        const tag = (await request(u)).headers.etag;
        if (u === urls.compute && tag) etag = tag;
        if (tag || u === urls.computeNoL1 || u === urls.computeTrpc || u === urls.batch3Trpc) break;
      }
    }
    if (!etag) throw new Error('the fast path never served the standard compute request');
    // The raw baseline writes exactly the bytes a cached compute answer has.
    const rawBody = (await request(urls.compute)).body;
    writeFileSync(join(tmp, 'body.json'), rawBody);
    raw = await startRawServer(join(tmp, 'body.json'));
    urls.raw = raw.url + '/';
    cpuOf.raw = raw.cpuSeconds;
    const revalidate = { 'if-none-match': etag };
    const gzip = { 'accept-encoding': 'gzip' };

    // --- one at a time ----------------------------------------------------------------------
    log(`one at a time: ${SAMPLES * 2} sequential requests × ${Object.keys(urls).length + 1}, in turn`);
    // A process's first few thousand answers are slower while V8 optimises the hot code (a raw node:http
    // process's p50 falls from ~1 ms to ~0.1 ms over its first 2,000): each figure is taken after a
    // warm-up, whose first samples are kept as `early`. The samples of the paths compared are then taken
    // in turn, a block of each per round, so a moment of load on this shared box falls on all of them
    // alike (measured one path after another, the ratios swung more than the paths differ); blocks, not
    // single requests, since a request right after another process's is slower (its caches are cold).
    type Target = { url: string; headers?: Record<string, string> };
    const interleaved = async <K extends string>(targets: Record<K, Target>): Promise<Record<K, Sequential>> => {
      const names = Object.keys(targets) as K[];
      const one = async (t: Target) => (await request(t.url, t.headers ? { headers: t.headers } : {})).ms;
      const early = {} as Record<K, ReturnType<typeof stats>>;
      for (const name of names) {
        const warmup: number[] = [];
        const until = performance.now() + WARMUP_MS;
        while (warmup.length < WARMUP_REQUESTS && (warmup.length < SAMPLES * 2 || performance.now() < until))
          warmup.push(await one(targets[name]));
        early[name] = stats(warmup.slice(0, SAMPLES * 2));
      }
      const ms = Object.fromEntries(names.map((n) => [n, [] as number[]])) as Record<K, number[]>;
      const block = Math.ceil((SAMPLES * 2) / ROUNDS);
      for (let round = 0; round < ROUNDS; round++)
        for (const name of names) for (let i = 0; i < block && ms[name].length < SAMPLES * 2; i++) ms[name].push(await one(targets[name]));
      return Object.fromEntries(names.map((n) => [n, { ...stats(ms[n]), early: early[n] }])) as Record<K, Sequential>;
    };
    const seq: Record<string, Sequential> = await interleaved({
      ...Object.fromEntries(Object.entries(urls).map(([name, url]) => [name, { url }])),
      notModified: { url: urls.compute, headers: revalidate },
    });

    // --- throughput at 1, 10, 50 connections (CPU per answer of the serving process) -----------
    const tp: Record<string, Record<number, Cell>> = Object.fromEntries(Object.keys(urls).map((n) => [n, {}]));
    for (const c of CONNECTIONS) {
      for (const [name, url] of Object.entries(urls)) {
        log(`autocannon ${name} at ${c} connection(s), ${SECONDS} s`);
        tp[name]![c] = await loadCell({ url, connections: c, seconds: SECONDS, cpuSeconds: cpuOf[name]! });
      }
    }
    log(`autocannon: 304 revalidation and gzip of the cached compute at 50 connections, ${SECONDS} s each`);
    const notModified = await loadCell({
      url: urls.compute,
      connections: 50,
      seconds: SECONDS,
      headers: revalidate,
      expect: 304,
      cpuSeconds: cpuOf.compute!,
    });
    const gzipped = await loadCell({ url: urls.compute, connections: 50, seconds: SECONDS, headers: gzip, cpuSeconds: cpuOf.compute! });

    // --- L1 freshness: read (a Valkey version read per hit) vs bus (local versions, acked announcements) ---
    // Ingest corrects the newest candle's volume back and forth (+1, then as it was: the data ends as it
    // began; each write moves the versions and is announced). Read mode first, with no bus member anywhere;
    // then two bus-mode processes.
    type Candles = { candles: { time: number[]; open: number[]; high: number[]; low: number[]; close: number[]; volume: number[] } };
    const last = (await query<Candles>(A, 'candles.range', { symbol: SYMBOL, interval: '1m', limit: 1 })).data.candles;
    const rewrite = {
      symbol: SYMBOL,
      interval: '1m',
      candles: [
        {
          time: last.time[0]!,
          open: last.open[0]!,
          high: last.high[0]!,
          low: last.low[0]!,
          close: last.close[0]!,
          volume: last.volume[0]!,
        },
      ],
    };
    const ingestLatency = async (base: string) => {
      const ms: number[] = [];
      for (let i = 0; i < INGESTS + 10; i++) {
        const volume = rewrite.candles[0]!.volume + (i % 2 === 0 ? 1 : 0);
        const m = mutationRequest(base, 'candles.ingest', { ...rewrite, candles: [{ ...rewrite.candles[0]!, volume }] }, INGEST);
        const r = await request(m.url, { method: 'POST', headers: m.headers, body: m.body });
        if (r.status !== 200) throw new Error(`candles.ingest: ${r.status} ${r.body}`);
        if (i >= 10) ms.push(r.ms);
      }
      return stats(ms);
    };
    const untilServed = async (url: string) => {
      for (let i = 0; i < 50; i++) if ((await request(url)).headers.etag) return;
      throw new Error(`the fast path never served ${url}`);
    };
    log(`L1 freshness: ${INGESTS} ingests on a read-mode process (B reading)`);
    const ingestRead = await ingestLatency(A);
    log('L1 freshness: starting two bus-mode processes (FAST_PATH_L1_FRESHNESS=bus)');
    const busServers = await Promise.all([
      spawnServer({ ...env, FAST_PATH_L1_FRESHNESS: 'bus' }),
      spawnServer({ ...env, FAST_PATH_L1_FRESHNESS: 'bus' }),
    ]);
    servers.push(...busServers);
    const [K, K2] = busServers.map((s) => s.url) as [string, string];
    const busUrl = queryUrl(K, 'indicators.compute', std);
    await untilServed(urls.compute);
    await untilServed(busUrl);
    await untilServed(queryUrl(K2, 'indicators.compute', std));
    const fencesBefore = (await metric(K, 'wick_near_cache_fences_total')) + (await metric(K2, 'wick_near_cache_fences_total'));
    // The raw baseline again, back to back with both modes: the ratios of this section are within it.
    const freshSeq = await interleaved({ raw: { url: urls.raw }, read: { url: urls.compute }, bus: { url: busUrl } });
    const fresh: Record<'read' | 'bus' | 'raw', { seq: Sequential; c50: Cell }> = {
      raw: {
        seq: freshSeq.raw,
        c50: await loadCell({ url: urls.raw, connections: 50, seconds: SECONDS, cpuSeconds: cpuOf.raw! }),
      },
      read: {
        seq: freshSeq.read,
        c50: await loadCell({ url: urls.compute, connections: 50, seconds: SECONDS, cpuSeconds: cpuOf.compute! }),
      },
      bus: {
        seq: freshSeq.bus,
        c50: await loadCell({ url: busUrl, connections: 50, seconds: SECONDS, cpuSeconds: wickCpuSeconds(K) }),
      },
    };
    log(`L1 freshness: ${INGESTS} ingests on a bus-mode process (the other bus-mode process a member too)`);
    const ingestBus = await ingestLatency(K);
    const busStanding = (await metric(K, 'wick_near_cache_standing')) + (await metric(K2, 'wick_near_cache_standing'));
    const busFences = (await metric(K, 'wick_near_cache_fences_total')) + (await metric(K2, 'wick_near_cache_fences_total')) - fencesBefore;
    const busAcks = await metric(K, 'wick_near_cache_acks_total');
    raw.stop();
    // Out of the way of the rest of the run (a clear would wait for their acks).
    await Promise.all(busServers.map((s) => s.stop()));
    servers.splice(servers.length - 2, 2);

    // --- cold: candles cached, result not -------------------------------------------------------
    // ATR 14 reads exactly the history RSI 14 does (lookback 14 + Wilder decay), so computing ATR
    // on a window first caches the candle window RSI then finds; RSI's own result is new.
    const usable = times.slice(CANDLES + 400);
    const coldWindows = usable.slice(0, SAMPLES);
    const fullyWindows = usable.slice(SAMPLES, 2 * SAMPLES);
    const stampedeTo = usable[2 * SAMPLES]!;
    log(`cold compute: ${SAMPLES} windows, candles cached via ATR 14`);
    for (const to of coldWindows) await query(A, 'indicators.compute', { ...std, indicator: 'atr', to });
    let dbBefore = await metric(A, 'wick_candle_db_loads_total');
    const coldMs: number[] = [];
    const computeMs: number[] = [];
    let coldMisses = 0;
    for (const to of coldWindows) {
      const r = await query<{ cache: { status: string }; computeMs: number }>(A, 'indicators.compute', { ...std, to });
      coldMs.push(r.ms);
      computeMs.push(r.data.computeMs);
      if (r.data.cache.status === 'miss') coldMisses++;
    }
    const coldDbLoads = (await metric(A, 'wick_candle_db_loads_total')) - dbBefore;
    const cold = stats(coldMs);

    log(`fully cold compute: ${SAMPLES} windows (DB + compute)`);
    dbBefore = await metric(A, 'wick_candle_db_loads_total');
    const fullyMs: number[] = [];
    for (const to of fullyWindows) fullyMs.push((await query(A, 'indicators.compute', { ...std, to })).ms);
    const fullyDbLoads = (await metric(A, 'wick_candle_db_loads_total')) - dbBefore;
    const fully = stats(fullyMs);

    // --- stampede ---------------------------------------------------------------------------
    log(`stampede: ${STAMPEDE} identical cold requests across two processes`);
    const before = await Promise.all([
      engineRuns(A),
      engineRuns(B),
      metric(A, 'wick_candle_db_loads_total'),
      metric(B, 'wick_candle_db_loads_total'),
    ]);
    const stampedeReq = { ...std, to: stampedeTo };
    const targets = Array.from({ length: STAMPEDE }, (_, i) => queryUrl(i % 2 === 0 ? A : B, 'indicators.compute', stampedeReq));
    const sStart = performance.now();
    const answers = await simultaneous(targets);
    const sMs = performance.now() - sStart;
    const after = await Promise.all([
      engineRuns(A),
      engineRuns(B),
      metric(A, 'wick_candle_db_loads_total'),
      metric(B, 'wick_candle_db_loads_total'),
    ]);
    const computations = after[0] - before[0] + (after[1] - before[1]);
    const dbQueries = after[2] - before[2] + (after[3] - before[3]);
    const ok200 = answers.filter((a) => a.status === 200).length;
    const failures: Record<string, number> = {};
    for (const a of answers)
      if (a.status !== 200)
        failures[a.status === 0 ? a.body : `http ${a.status}`] = (failures[a.status === 0 ? a.body : `http ${a.status}`] ?? 0) + 1;
    if (ok200 < STAMPEDE) log(`stampede: ${STAMPEDE - ok200} failed: ${JSON.stringify(failures)}`);
    const distinctValues = new Set(
      answers
        .filter((a) => a.status === 200)
        .map((a) => JSON.stringify((JSON.parse(a.body) as { result: { data: { json: { values: unknown } } } }).result.data.json.values)),
    ).size;

    // --- hit rate over a Zipf mix ----------------------------------------------------------------
    log(`hit rate: Zipf mix from an empty cache, ${MIX_SECONDS} s at 10 connections`);
    await clear();
    const symbols = ['BTCUSDT', 'ETHUSDT', 'SOLUSDT', 'BNBUSDT'];
    const intervals = ['1m', '5m', '15m', '1h'];
    const ends: Record<string, number> = {};
    for (const s of symbols)
      for (const i of intervals)
        ends[`${s}:${i}`] = (await query<Range>(A, 'candles.range', { symbol: s, interval: i, limit: 1 })).data.candles.time[0]!;
    const mix = mixOf(symbols, intervals, MIX_INDICATORS);
    const paths = mix.map((m) => {
      const u = new URL(
        queryUrl(A, 'indicators.compute', {
          symbol: m.symbol,
          interval: m.interval,
          indicator: m.indicator,
          params: m.params,
          limit: CANDLES,
          to: ends[`${m.symbol}:${m.interval}`],
        }),
      );
      return u.pathname + u.search;
    });
    const draw = zipf(paths.length, 1.1, prng(42));
    const statuses: Record<string, number> = {};
    const mixResult = await load({
      url: A,
      connections: 10,
      seconds: MIX_SECONDS,
      nextPath: () => paths[draw()]!,
      onBody: (status, body) => {
        const at = body.lastIndexOf('"cache":{"status":"');
        const s = status !== 200 ? `http ${status}` : at === -1 ? 'none' : body.slice(at + 19, body.indexOf('"', at + 19));
        statuses[s] = (statuses[s] ?? 0) + 1;
      },
    });
    const answered = Object.values(statuses).reduce((a, b) => a + b, 0);
    const hitRate = (statuses.hit ?? 0) / Math.max(1, answered);

    // --- liquidations: deep pages -----------------------------------------------------------------
    type Page = { rows: { id: number; orderTradeTime: number }[]; nextCursor: string | null };
    const btcRows = Math.floor((LIQUIDATIONS * 10) / 22);
    const depth = Math.min(OURS.deepPageRow, Math.floor((btcRows * 0.9) / 1000) * 1000);
    const pages: { label: string; head: ReturnType<typeof stats>; deep: ReturnType<typeof stats>; walkS: number }[] = [];
    for (const filter of [{}, { symbol: SYMBOL }] as Record<string, string>[]) {
      const label = filter.symbol ? `symbol ${filter.symbol}` : 'all symbols';
      log(`liquidations: walking to row ${depth.toLocaleString('en')} (${label})`);
      const wStart = performance.now();
      let cursor: string | null = null;
      let seen = 0;
      while (seen < depth) {
        const input: Record<string, unknown> = { ...filter, limit: 1000 };
        if (cursor) input.cursor = cursor;
        const p: Page = (await query<Page>(A, 'liquidations.list', input)).data;
        seen += p.rows.length;
        cursor = p.nextCursor;
        if (!cursor) break;
      }
      const walkS = (performance.now() - wStart) / 1000;
      const headMs: number[] = [];
      const deepMs: number[] = [];
      for (let i = 0; i < 41; i++) {
        headMs.push((await query(A, 'liquidations.list', { ...filter, limit: 1000 })).ms);
        deepMs.push((await query(A, 'liquidations.list', { ...filter, limit: 1000, cursor })).ms);
      }
      pages.push({ label, head: stats(headMs), deep: stats(deepMs), walkS });
    }

    // --- export ---------------------------------------------------------------------------------
    const exportRows = Math.min(1_000_000, LIQUIDATIONS);
    const [[edge]] = (await db.database.pool.query(
      'SELECT order_trade_time AS t FROM liquidation_orders ORDER BY order_trade_time DESC, id DESC LIMIT 1 OFFSET ?',
      [exportRows - 1],
    )) as unknown as [[{ t: number }]];
    const [[top]] = (await db.database.pool.query('SELECT MAX(order_trade_time) AS t FROM liquidation_orders')) as unknown as [
      [{ t: number }],
    ];
    const from = Number(edge.t);
    const to = Number(top.t);
    const [[cnt]] = (await db.database.pool.query(
      'SELECT COUNT(*) AS n FROM liquidation_orders WHERE order_trade_time >= ? AND order_trade_time <= ?',
      [from, to],
    )) as unknown as [[{ n: number }]];
    const expected = Number(cnt.n);
    const rssStart = await metric(A, 'process_resident_memory_bytes');
    const httpRuns: { ms: number; rows: number; bytes: number; peak: number; after: number }[] = [];
    for (let run = 0; run < 3; run++) {
      log(`export: CSV of ${expected.toLocaleString('en')} rows over HTTP, run ${run + 1}/3`);
      let peak = await metric(A, 'process_resident_memory_bytes');
      let polling = true;
      const poller = (async () => {
        while (polling) {
          peak = Math.max(peak, await metric(A, 'process_resident_memory_bytes'));
          await new Promise((r) => setTimeout(r, 250));
        }
      })();
      const r = await streamCount(`${A}/export/liquidations.csv?from=${from}&to=${to}`);
      polling = false;
      await poller;
      const afterRss = await metric(A, 'process_resident_memory_bytes');
      httpRuns.push({ ms: r.ms, rows: r.lines - 1, bytes: r.bytes, peak: Math.max(peak, afterRss), after: afterRss });
    }
    const mariaRuns: { ms: number; rows: number; bytes: number }[] = [];
    const dbUrl = new URL(db.url);
    const sql =
      'SELECT l.id, s.name, l.side, l.order_type, l.time_in_force, l.original_quantity, l.price, l.average_price, l.order_status, ' +
      'l.last_fill_quantity, l.accumulated_fill_quantity, l.order_trade_time, CAST(l.average_price * l.accumulated_fill_quantity AS DECIMAL(44,10)) AS usd ' +
      `FROM liquidation_orders l JOIN symbols s ON s.id = l.symbol_id WHERE l.order_trade_time >= ${from} AND l.order_trade_time <= ${to} ` +
      'ORDER BY l.order_trade_time DESC, l.id DESC';
    for (let run = 0; run < 3; run++) {
      log(`export: the same rows through mariadb --batch --quick, run ${run + 1}/3`);
      mariaRuns.push(await mariadbBatch(dbUrl, sql));
    }
    const med = <T>(xs: T[], key: (x: T) => number) => [...xs].sort((a, b) => key(a) - key(b))[Math.floor(xs.length / 2)]!;
    const httpMed = med(httpRuns, (r) => r.ms);
    const mariaMed = med(mariaRuns, (r) => r.ms);
    const rowsPerS = (httpMed.rows / httpMed.ms) * 1000;
    const rssGrowthMb = (Math.max(...httpRuns.map((r) => r.peak)) - rssStart) / 1e6;

    // --- the report ------------------------------------------------------------------------------
    const f = (n: number, d = 2) => (Number.isFinite(n) ? n.toFixed(d) : 'n/a');
    const c50 = (n: string) => tp[n]![50]!;
    const fullBytes = c50('compute').bytesPerReq;
    const share = (cell: Cell) => (100 * cell.reqPerS) / c50('raw').reqPerS;
    const freshShare = (cell: Cell) => (100 * cell.reqPerS) / fresh.raw.c50.reqPerS;
    rows.push(
      {
        what: 'fast path L1, bus mode (the default): cached compute req/s at 50 connections vs raw node:http writing the same bytes',
        measured: `${f(fresh.bus.c50.reqPerS, 0)} vs ${f(fresh.raw.c50.reqPerS, 0)} req/s = ${f(freshShare(fresh.bus.c50), 0)} % (read mode ${f(fresh.read.c50.reqPerS, 0)} req/s = ${f(freshShare(fresh.read.c50), 0)} %; all three back to back)`,
        ours: `≥ ${FAST.vsRaw * 100} %`,
        seeds: '—',
        met: fresh.bus.c50.reqPerS >= FAST.vsRaw * fresh.raw.c50.reqPerS,
      },
      {
        what: 'fast path L1, bus mode (the default): cached compute one at a time',
        measured: `p50 ${f(fresh.bus.seq.p50)} ms (read mode ${f(fresh.read.seq.p50)} ms, raw ${f(fresh.raw.seq.p50)} ms in this section, ${f(seq.raw!.p50)} ms at the start of the run; this process just started: its first ${fresh.bus.seq.early.n} p50 ${f(fresh.bus.seq.early.p50)} ms)`,
        ours: `p50 ≤ ${FAST.p50Ms} ms`,
        seeds: '—',
        met: fresh.bus.seq.p50 <= FAST.p50Ms,
      },
      {
        what: 'bus mode keeps its members: both bus-mode processes in good standing after the section, no fences',
        measured: `${busStanding}/2 in standing, ${busFences} fence(s), ${busAcks} acks received by the ingesting process`,
        ours: '2/2, 0 fences',
        seeds: '—',
        met: busStanding === 2 && busFences === 0,
      },
    );
    rows.push(
      {
        what: 'fast path: cached compute req/s at 50 connections vs `noopPayload` (the tRPC floor)',
        measured: `${f(c50('compute').reqPerS, 0)} vs ${f(c50('noopPayload').reqPerS, 0)} req/s = ${f(c50('compute').reqPerS / c50('noopPayload').reqPerS, 1)}× (tRPC path ${f(c50('computeTrpc').reqPerS, 0)})`,
        ours: `≥ ${FAST.vsFloor}×`,
        seeds: '—',
        met: c50('compute').reqPerS >= FAST.vsFloor * c50('noopPayload').reqPerS,
      },
      {
        what: 'fast path: cached compute req/s at 50 connections vs raw node:http writing the same bytes',
        measured: `${f(c50('compute').reqPerS, 0)} vs ${f(c50('raw').reqPerS, 0)} req/s = ${f((100 * c50('compute').reqPerS) / c50('raw').reqPerS, 0)} %`,
        ours: `≥ ${FAST.vsRaw * 100} %`,
        seeds: '—',
        met: c50('compute').reqPerS >= FAST.vsRaw * c50('raw').reqPerS,
      },
      {
        what: 'fast path: cached compute one at a time',
        measured: `p50 ${f(seq.compute!.p50)} ms (tRPC path ${f(seq.computeTrpc!.p50)} ms, raw ${f(seq.raw!.p50)} ms)`,
        ours: `p50 ≤ ${FAST.p50Ms} ms`,
        seeds: '—',
        met: seq.compute!.p50 <= FAST.p50Ms,
      },
      {
        what: 'fast path: cached `indicators.batch` × 3 req/s at 50 connections vs 2026-11',
        measured: `${f(c50('batch3').reqPerS, 0)} req/s = ${f(c50('batch3').reqPerS / FAST.batch3Baseline, 1)}× ${FAST.batch3Baseline} (tRPC path now ${f(c50('batch3Trpc').reqPerS, 0)})`,
        ours: `≥ ${FAST.batch3Times}× ${FAST.batch3Baseline}`,
        seeds: '—',
        met: c50('batch3').reqPerS >= FAST.batch3Times * FAST.batch3Baseline,
      },
      {
        what: '304 revalidation (If-None-Match) of the cached compute at 50 connections',
        measured: `${f(notModified.reqPerS, 0)} req/s, ${f(notModified.bytesPerReq, 0)} B/answer vs full ${f(c50('compute').reqPerS, 0)} req/s, ${f(fullBytes, 0)} B (gzip ${f(gzipped.reqPerS, 0)} req/s, ${f(gzipped.bytesPerReq, 0)} B)${notModified.failed > 0 ? `; ${notModified.failed} not 304` : ''}`,
        ours: 'fewer bytes, more req/s than a full answer',
        seeds: '—',
        met: notModified.failed === 0 && notModified.bytesPerReq < fullBytes / 10 && notModified.reqPerS >= c50('compute').reqPerS,
      },
      {
        what: 'cached compute (RSI 14 × 1,000), one at a time',
        measured: `p50 ${f(seq.compute!.p50)} ms, p90 ${f(seq.compute!.p90)} ms`,
        ours: `p50 ≤ ${OURS.cachedP50Ms} ms`,
        seeds: `p90 < ${SEEDS.cachedP90Ms} ms`,
        met: seq.compute!.p50 <= OURS.cachedP50Ms,
        seedsMet: seq.compute!.p90 < SEEDS.cachedP90Ms,
      },
      {
        what: 'cached compute req/s at 50 connections vs noopPayload (the tRPC floor)',
        measured: `${f(c50('compute').reqPerS, 0)} vs ${f(c50('noopPayload').reqPerS, 0)} req/s = ${f((100 * c50('compute').reqPerS) / c50('noopPayload').reqPerS, 0)} %`,
        ours: `≥ ${OURS.cachedVsFloorReqs * 100} %`,
        seeds: '—',
        met: c50('compute').reqPerS >= OURS.cachedVsFloorReqs * c50('noopPayload').reqPerS,
      },
      {
        what: "cached compute p99 at 50 connections vs the floor's p99",
        measured: `${f(c50('compute').p99, 0)} vs ${f(c50('noopPayload').p99, 0)} ms = ${f(c50('compute').p99 / c50('noopPayload').p99)}×`,
        ours: `≤ ${OURS.c50P99VsFloor}×`,
        seeds: `50 users < ${SEEDS.users50MaxMs} ms`,
        met: c50('compute').p99 <= OURS.c50P99VsFloor * c50('noopPayload').p99,
        seedsMet: c50('compute').p99 < SEEDS.users50MaxMs,
      },
      {
        what: 'uncached, candles cached (RSI 14 × 1,000), one at a time',
        measured: `p50 ${f(cold.p50)} ms, p90 ${f(cold.p90)} ms, p99 ${f(cold.p99)} ms (engine ${f(stats(computeMs).p50)} ms; ${coldMisses}/${SAMPLES} misses, ${coldDbLoads} DB loads)`,
        ours: `p99 ≤ ${OURS.coldP99Ms} ms`,
        seeds: `p90 < ${SEEDS.uncachedP90Ms} ms`,
        met: cold.p99 <= OURS.coldP99Ms,
        seedsMet: cold.p90 < SEEDS.uncachedP90Ms,
      },
      {
        what: 'fully cold (DB + compute), one at a time',
        measured: `p50 ${f(fully.p50)} ms, p99 ${f(fully.p99)} ms (${fullyDbLoads} DB loads for ${SAMPLES})`,
        ours: `p99 ≤ ${OURS.fullyColdP99Ms} ms`,
        seeds: `p90 < ${SEEDS.uncachedP90Ms} ms`,
        met: fully.p99 <= OURS.fullyColdP99Ms,
        seedsMet: fully.p90 < SEEDS.uncachedP90Ms,
      },
      {
        what: 'indicators.batch of 3, cached, one at a time',
        measured: `p50 ${f(seq.batch3!.p50)} ms, p90 ${f(seq.batch3!.p90)} ms, p99 ${f(seq.batch3!.p99)} ms`,
        ours: `p99 ≤ ${OURS.batch3P99Ms} ms`,
        seeds: `p90 < ${SEEDS.batch3P90Ms} ms`,
        met: seq.batch3!.p99 <= OURS.batch3P99Ms,
        seedsMet: seq.batch3!.p90 < SEEDS.batch3P90Ms,
      },
      {
        what: `hit rate, Zipf mix (s = 1.1, ${mix.length} series×indicators) from an empty cache, ${MIX_SECONDS} s`,
        measured: `${f(hitRate * 100, 1)} % of ${answered.toLocaleString('en')} (${Object.entries(statuses)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')}); ${f(mixResult.reqPerS, 0)} req/s`,
        ours: `> ${OURS.hitRate * 100} %`,
        seeds: `> ${SEEDS.hitRate * 100} %`,
        met: hitRate > OURS.hitRate,
        seedsMet: hitRate > SEEDS.hitRate,
      },
      {
        what: `stampede: ${STAMPEDE.toLocaleString('en')} identical cold calls over 2 processes`,
        measured: `${computations} computation(s), ${dbQueries} DB candle quer(ies); ${ok200}/${STAMPEDE} answered 200${
          ok200 < STAMPEDE
            ? ` (others: ${Object.entries(failures)
                .map(([k, v]) => `${k} × ${v}`)
                .join(', ')})`
            : ''
        }, ${distinctValues} distinct answer(s), ${f(sMs, 0)} ms`,
        ours: `${OURS.stampedeComputations} and ${OURS.stampedeDbQueries}`,
        seeds: '"prevention"',
        met: computations === OURS.stampedeComputations && dbQueries === OURS.stampedeDbQueries && ok200 === STAMPEDE,
      },
      ...pages.map((p) => ({
        what: `liquidations: page at row ${depth.toLocaleString('en')} vs page 1 (${p.label})`,
        measured: `${f(p.deep.p50)} vs ${f(p.head.p50)} ms median = ${f(p.deep.p50 / p.head.p50)}× (walk ${f(p.walkS, 1)} s)`,
        ours: `≤ ${OURS.deepPageRatio}×`,
        seeds: '"pagination"',
        met: p.deep.p50 <= OURS.deepPageRatio * p.head.p50,
      })),
      {
        what: `export ${httpMed.rows.toLocaleString('en')} rows as CSV over HTTP`,
        measured: `${f(rowsPerS / 1000, 0)}k rows/s (${f(httpMed.ms / 1000)} s, ${f(httpMed.bytes / 1e6, 0)} MB)`,
        ours: `≥ ${OURS.exportRowsPerS / 1000}k rows/s`,
        seeds: '"streaming"',
        met: rowsPerS >= OURS.exportRowsPerS && httpMed.rows === expected,
      },
      {
        what: 'export vs `mariadb --batch --quick` of the same rows',
        measured: `${f(httpMed.ms / 1000)} s vs ${f(mariaMed.ms / 1000)} s = ${f(httpMed.ms / mariaMed.ms)}× (mariadb ${mariaMed.rows.toLocaleString('en')} rows)`,
        ours: `≤ ${OURS.exportVsMariadb}×`,
        seeds: '—',
        met: httpMed.ms <= OURS.exportVsMariadb * mariaMed.ms,
      },
      {
        what: 'server RSS growth during the exports (peak − before)',
        measured: `${f(rssGrowthMb, 1)} MB (${f(rssStart / 1e6, 0)} → peak ${f(Math.max(...httpRuns.map((r) => r.peak)) / 1e6, 0)} → ${f(httpRuns[httpRuns.length - 1]!.after / 1e6, 0)} MB)`,
        ours: `< ${OURS.exportRssGrowthMb} MB`,
        seeds: '—',
        met: rssGrowthMb < OURS.exportRssGrowthMb,
      },
    );

    const names: Record<string, string> = {
      noop: '`noop` (ceiling)',
      noopPayload: '`noopPayload` (tRPC floor: the same answer as a cached RSI × 1,000)',
      raw: 'raw node:http writing the same bytes (baseline)',
      compute: 'cached `indicators.compute`, fast path + L1',
      computeNoL1: 'cached `indicators.compute`, fast path, FAST_PATH_L1=off',
      computeTrpc: 'cached `indicators.compute`, tRPC path (FAST_PATH=off)',
      batch3: 'cached `indicators.batch` × 3, fast path + L1',
      batch3Trpc: 'cached `indicators.batch` × 3, tRPC path',
    };
    const tpLines = [
      '| path | one at a time p50 / p99 ms | ' +
        CONNECTIONS.map((c) => `c=${c} req/s · p50 · p99 ms`).join(' | ') +
        ' | c=50 vs floor | c=50 CPU µs/answer | c=50 bytes/answer |',
      '|---|---|' + CONNECTIONS.map(() => '---|').join('') + '---|---|---|',
    ];
    const line = (label: string, one: ReturnType<typeof stats> | undefined, cells: (Cell | undefined)[], at50: Cell) => {
      const shown = cells.map((r) => {
        if (!r) return '—';
        const bad = r.failed > 0 ? ` (${r.failed} failed)` : '';
        return `${f(r.reqPerS, 0)} · ${r.p50} · ${r.p99}${bad}`;
      });
      const vsFloor = (100 * at50.reqPerS) / tp.noopPayload![50]!.reqPerS;
      return `| ${label} | ${one ? `${f(one.p50)} / ${f(one.p99)}` : '—'} | ${shown.join(' | ')} | ${f(vsFloor, 0)} % | ${f(at50.cpuPerReq * 1e6, 0)} | ${f(at50.bytesPerReq, 0)} |`;
    };
    for (const n of Object.keys(tp))
      tpLines.push(
        line(
          names[n]!,
          seq[n],
          CONNECTIONS.map((c) => tp[n]![c]),
          tp[n]![50]!,
        ),
      );
    tpLines.push(
      line('cached compute, 304 revalidation (If-None-Match)', seq.notModified, [undefined, undefined, notModified], notModified),
    );
    tpLines.push(line('cached compute, gzip (Accept-Encoding: gzip)', undefined, [undefined, undefined, gzipped], gzipped));
    tables.push(tpLines.join('\n'));
    const freshLine = (label: string, r: { seq: Sequential; c50: Cell }, ingest: ReturnType<typeof stats>) =>
      `| ${label} | ${f(r.c50.reqPerS, 0)} | ${f(freshShare(r.c50), 0)} % | ${f((100 * r.c50.reqPerS) / c50('noopPayload').reqPerS, 0)} % | ${f(r.seq.p50)} / ${f(r.seq.p99)} | ${f(r.c50.cpuPerReq * 1e6, 0)} | ${f(ingest.p50)} / ${f(ingest.p99)} |`;
    tables.push(
      [
        `L1 freshness (\`FAST_PATH_L1_FRESHNESS\`), cached \`indicators.compute\`, one at a time in turn with the raw baseline, c=50 back to back with it; ingest = \`candles.ingest\` of one 1m candle (${INGESTS} sequential, after 10 warm-up), which moves every interval of the symbol: read mode with no bus member anywhere, bus mode on one of two bus-mode processes (each waits for the other's ack).`,
        '',
        '| L1 freshness | c=50 req/s | vs raw | vs floor | one at a time p50 / p99 ms | c=50 CPU µs/answer | ingest p50 / p99 ms |',
        '|---|---|---|---|---|---|---|',
        freshLine('read: a Valkey version read per hit', fresh.read, ingestRead),
        freshLine('bus: local versions, acked announcements', fresh.bus, ingestBus),
        `| raw node:http (baseline, same section) | ${f(fresh.raw.c50.reqPerS, 0)} | 100 % | ${f((100 * fresh.raw.c50.reqPerS) / c50('noopPayload').reqPerS, 0)} % | ${f(fresh.raw.seq.p50)} / ${f(fresh.raw.seq.p99)} | ${f(fresh.raw.c50.cpuPerReq * 1e6, 0)} | — |`,
        `| \`noopPayload\` (tRPC floor) | ${f(c50('noopPayload').reqPerS, 0)} | ${f(share(c50('noopPayload')), 0)} % | 100 % | ${f(seq.noopPayload!.p50)} / ${f(seq.noopPayload!.p99)} | ${f(c50('noopPayload').cpuPerReq * 1e6, 0)} | — |`,
      ].join('\n'),
    );

    const report = renderReport({
      date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      machine: `${box.nproc} × ${box.cpu}, ${box.mem}, Node ${box.node}, ${ver.v}, Valkey cluster (3 primaries + 3 replicas) on loopback`,
      setup: [
        `Database \`${SMOKE ? SMOKE_DB : 'wick_bench_e2e'}\`: ${seedShape.symbols} symbols × ${seedShape.days} days of candles (seed ${seedShape.seed}), ${LIQUIDATIONS.toLocaleString('en')} liquidations${db.reused ? ' (reused)' : ` (seeded in ${f(db.seedSeconds, 0)} s)`}.`,
        `Four server processes (\`node --import tsx apps/server/src/main.ts\`, NODE_ENV=production, rate limit off): two with the fast path and L1 in read mode (FAST_PATH_L1_FRESHNESS=read; the stampede spans both), one with FAST_PATH=off (the tRPC path), one with FAST_PATH_L1=off; for the L1 freshness section only, two more with FAST_PATH_L1_FRESHNESS=bus (the default); plus a raw node:http process writing the cached answer's bytes. The load generator (autocannon ${SECONDS} s per cell) runs on the same ${box.nproc} cores. CPU per answer is the serving process's CPU seconds over the cell / its answers.`,
        `Load average (1 min) ${loadStart.toFixed(1)} at the start and ${loadavg()[0]!.toFixed(1)} at the end: anything above ${box.nproc} means other work shared these cores and the absolute figures are inflated; the ratios are taken within the run.`,
        `"One at a time": ${SAMPLES * 2} sequential requests per path over one keep-alive socket each, taken in turn across the paths of a table (${ROUNDS} rounds, a block of ${Math.ceil((SAMPLES * 2) / ROUNDS)} of each path per round: a moment of load falls on all alike), after a warm-up of each path of ${WARMUP_REQUESTS.toLocaleString('en')} requests or ${WARMUP_MS / 1000} s, whichever ends first (at least ${SAMPLES * 2}); for a process that had just started, the p50 of its warm-up's first ${SAMPLES * 2} is given too. Cold measurements: ${SAMPLES} sequential requests on windows nobody asked for before.`,
      ],
      rows,
      tables,
      command:
        (SMOKE ? 'BENCH_SMOKE=1 ' : '') +
        'pnpm bench:e2e' +
        (!SMOKE && LIQUIDATIONS !== 5_000_000 ? ` -- --liquidations ${LIQUIDATIONS}` : ''),
    });
    process.stdout.write(report);
    if (SMOKE) log('BENCH_SMOKE=1: report printed, not written');
    else {
      writeFileSync(flags.out!, report);
      log(`report written to ${flags.out}`);
    }
  } finally {
    raw?.stop();
    rmSync(tmp, { recursive: true, force: true });
    await Promise.all(servers.map((s) => s.stop()));
    await db.database.close();
  }
}

/** `mariadb --batch --quick -e SQL`, its output counted (not kept): the baseline for the export. */
function mariadbBatch(url: URL, sql: string): Promise<{ ms: number; rows: number; bytes: number }> {
  return new Promise((resolveRun, reject) => {
    const args = [
      '--batch',
      '--quick',
      '-h',
      url.hostname,
      '-P',
      url.port || '3306',
      '-u',
      decodeURIComponent(url.username || 'root'),
      url.pathname.slice(1),
      '-e',
      sql,
    ];
    if (url.password) args.splice(6, 0, `-p${decodeURIComponent(url.password)}`);
    const started = performance.now();
    const child = spawn('mariadb', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let bytes = 0;
    let lines = 0;
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      bytes += d.length;
      for (let i = d.indexOf(10); i !== -1; i = d.indexOf(10, i + 1)) lines++;
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`mariadb exited with ${code}: ${err}`));
      else resolveRun({ ms: performance.now() - started, rows: lines - 1, bytes });
    });
  });
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
