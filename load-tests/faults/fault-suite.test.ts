// pnpm test:faults — two server processes under a mixed load (cached/cold computes, candle ranges,
// liquidation pages, summaries, exports, ingest) on a PRIVATE Valkey cluster (ports 7150+) and a TCP
// proxy in front of MySQL; faults 1–7 of issue #14 one after the other, each with its correctness
// assertions (counts, codes, states — never times), and docs/faults.md written from what was measured.
// It takes /tmp/wick-itest.lock itself (it kills and stops Valkey nodes): do not wrap it in flock.
import { createWriteStream, mkdirSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createTestDatabase, getCandles, seed, urlForDatabase, type TestDatabase } from '@wick/db';
import { INGEST_KEY, serverEnv, spawnServer, type ServerProcess } from '@wick/server/testing';
import superjson from 'superjson';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CacheAnswerWatch } from './cache-answer-watch.ts';
import { holdItestLock } from './itest-lock.ts';
import { allowedByTime, verdict } from './ingest-check.ts';
import { during, failuresOf, recoveryMs, rowFor, writeFaultsDoc, type FaultRow } from './fault-report.ts';
import { BURST_VUS, K6Load, type K6Outcome } from './k6-load.ts';
import { failureCode, LoadMix, type MixTargets, type Outcome } from './load-mix.ts';
import { REPO_ROOT } from './paths.ts';
import { rawRequest, type RawAnswer } from './raw-request.ts';
import { TcpProxyProcess } from './tcp-proxy-process.ts';
import { PrivateCluster } from './valkey-cluster.ts';

const cluster = new PrivateCluster(Number(process.env.FAULTS_VALKEY_PORT_BASE ?? 7150));
const CONCURRENCY = 8;
/** k6's arrival rate (requests/s over both processes): the box is loaded, not starved (2 cores, shared). */
const K6_RATE = Number(process.env.FAULTS_K6_RATE ?? 20);
if (!Number.isInteger(K6_RATE) || K6_RATE < 1 || K6_RATE > 200)
  throw new Error(`FAULTS_K6_RATE must be an integer in [1, 200], got ${process.env.FAULTS_K6_RATE}`);
/** The server's shipped idle-socket cap (HTTP_MAX_IDLE_SOCKETS's default, config.ts). */
const IDLE_SOCKETS = 512;
/** The server's shipped admission cap: work-lane requests one process serves at once (ADMISSION_MAX_IN_FLIGHT's default). */
const ADMISSION_IN_FLIGHT = 512;
const MINUTE = 60_000;
const rows: FaultRow[] = [];
/** When the suite held the lock and began (waiting for the lock is not part of its time). */
let suiteStart = performance.now();
const FAULTS = 7;
/** A fault whose assertions failed: its row is written, but not over docs/faults.md. */
let anyFaultFailed = false;

let database: TestDatabase;
let proxy: TcpProxyProcess;
let servers: ServerProcess[] = [];
let env: Record<string, string>;
let targets: MixTargets;
let mix: LoadMix;
let k6: K6Load | undefined;
let releaseLock: (() => void) | undefined;

const urls = () => servers.map((s) => s.url);

/** Each server process's log (pino JSON, FAULTS_LOG_LEVEL, default warn) goes to load-tests/.reports/faults/. */
const LOG_DIR = join(REPO_ROOT, 'load-tests', '.reports', 'faults');
let spawned = 0;
async function spawnLogged(serverEnvironment: Record<string, string>): Promise<ServerProcess> {
  const server = await spawnServer(serverEnvironment);
  const log = createWriteStream(join(LOG_DIR, `server-${++spawned}.log`));
  server.child.stdout?.pipe(log);
  server.child.stderr?.pipe(log);
  return server;
}

/** One GET; never throws: no answer is status 0 with the socket's code (the suite must not crash on UND_ERR_SOCKET). */
async function get<T>(url: string, init: RequestInit = {}): Promise<{ status: number; body: T | null; error: string | null }> {
  let status = 0;
  try {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(30_000) });
    status = res.status;
    const text = await res.text();
    return { status, body: JSON.parse(text) as T, error: null };
  } catch (err) {
    return { status, body: null, error: err instanceof SyntaxError ? 'NOT_JSON' : failureCode(err) };
  }
}

async function query<T>(base: string, path: string, input?: unknown): Promise<{ status: number; data: T | null }> {
  const qs = input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(superjson.serialize(input)))}`;
  const r = await get<{ result?: { data?: Parameters<typeof superjson.deserialize>[0] } }>(`${base}/trpc/${path}${qs}`);
  return { status: r.status, data: r.body?.result?.data ? (superjson.deserialize(r.body.result.data) as T) : null };
}

/** Polls `cond` up to `attempts` × 250 ms: a hang guard for states that must come back, never a measurement. */
async function until(what: string, cond: () => Promise<boolean>, attempts = 240): Promise<void> {
  for (let i = 0; i < attempts; i++) {
    if (await cond().catch(() => false)) return;
    await sleep(250);
  }
  throw new Error(`never happened: ${what}`);
}

const breakers = async () =>
  Promise.all(urls().map(async (u) => (await get<{ cache?: { breaker?: string } }>(`${u}/health`)).body?.cache?.breaker ?? 'unknown'));
const allClosed = async () => (await breakers()).every((b) => b === 'closed');
/** Breaker trips since start by cause (timeout, unreachable, error, not_connected), summed over both processes. */
const breakerTrips = async (): Promise<Record<string, number>> => {
  const out: Record<string, number> = {};
  for (const u of urls())
    for (const [labels, n] of Object.entries(await metricsByLabel(u, 'wick_cache_breaker_trips_total'))) {
      const cause = /cause="([^"]*)"/.exec(labels)?.[1] ?? labels;
      out[cause] = (out[cause] ?? 0) + n;
    }
  return out;
};
const subtractCounts = (a: Record<string, number>, b: Record<string, number>): Record<string, number> =>
  Object.fromEntries(Object.entries(a).flatMap(([k, n]) => (n - (b[k] ?? 0) > 0 ? [[k, n - (b[k] ?? 0)]] : [])));
const cachedHit = async () => {
  const outs = await Promise.all(urls().map(() => mix.one('cached')));
  return outs.every((o) => o.status === 200 && o.cache === 'hit');
};

async function metric(base: string, name: string, labels?: (l: string) => boolean): Promise<number> {
  const res = await fetch(`${base}/metrics`, { signal: AbortSignal.timeout(30_000) });
  const text = await res.text();
  let sum = 0;
  for (const m of text.matchAll(new RegExp(`^${name}(\\{[^}]*\\})? (\\S+)$`, 'gm'))) if (!labels || labels(m[1] ?? '')) sum += Number(m[2]);
  return sum;
}

/** A metric's samples by their label set, e.g. {'reason="idle_evicted"': 1488}. */
async function metricsByLabel(base: string, name: string): Promise<Record<string, number>> {
  const res = await fetch(`${base}/metrics`, { signal: AbortSignal.timeout(30_000) });
  const out: Record<string, number> = {};
  for (const m of (await res.text()).matchAll(new RegExp(`^${name}\\{([^}]*)\\} (\\S+)$`, 'gm'))) out[m[1]!] = Number(m[2]);
  return out;
}

/** What the acknowledged ingests became: per (process, candle) reads, see ingest-check.ts verdict. */
interface AckCheck {
  /** Candles with an acknowledged ingest. */
  candles: number;
  /** MySQL holds none of a candle's allowed closes: an acknowledged write is gone (counted once per candle). */
  lost: number;
  /** MySQL holds it, a process's candles.range answers something else (counted per process and candle). */
  stale: number;
}

/**
 * Checks every acknowledged ingest, with the writers stopped (a write racing the check is not a loss)
 * and restarted after. Per candle the allowed closes are its last ack's and those of attempts whose
 * outcome the client cannot know (ingest-check.ts); MySQL is read directly, so a write that is not
 * there (lost) is told apart from a reader that serves older data than MySQL holds (stale). A read
 * that does not answer 200 is retried (the process may still be reconnecting).
 */
async function checkAcks(): Promise<AckCheck> {
  await mix.stop();
  try {
    const allowed = allowedByTime(mix.attempts);
    const times = [...allowed.keys()].sort((a, b) => a - b);
    const rowsInDb = await getCandles(database, {
      symbol: targets.ingestSymbol,
      interval: '1m',
      from: times[0],
      to: times.at(-1),
      limit: times.length + targets.ingestTimes.length,
    });
    const inDb = new Map<number, number>();
    rowsInDb.time.forEach((t, i) => inDb.set(t, rowsInDb.close[i]!));
    const out: AckCheck = { candles: times.length, lost: 0, stale: 0 };
    for (const time of times) if (verdict(allowed.get(time)!, inDb.get(time), inDb.get(time)) === 'lost') out.lost++;
    for (const base of urls()) {
      for (const time of times) {
        let seen: { time?: number; close?: number } | null = null;
        for (let attempt = 0; attempt < 20 && seen === null; attempt++) {
          const r = await query<{ candles: { time: number[]; close: number[] } }>(base, 'candles.range', {
            symbol: targets.ingestSymbol,
            interval: '1m',
            to: time,
            limit: 1,
          });
          if (r.status === 200 && r.data) seen = { time: r.data.candles.time[0], close: r.data.candles.close[0] };
          else await sleep(250);
        }
        if (seen === null) throw new Error(`${base} never answered candles.range for ${time}`);
        const v = verdict(allowed.get(time)!, inDb.get(time), seen.time === time ? seen.close : undefined);
        if (v === 'stale') out.stale++;
      }
    }
    return out;
  } finally {
    mix.start(CONCURRENCY);
  }
}

const ackNote = (c: AckCheck) =>
  `${c.lost} of ${c.candles} acknowledged candles not in MySQL; ${c.stale} reads (of ${c.candles} × ${servers.length} processes) older than MySQL`;

/** Runs the mix for `beforeMs`, applies the fault, holds it `holdMs`, heals it, runs `afterMs` more. */
async function underLoad(fault: () => Promise<void>, holdMs: number, heal: () => Promise<void>, afterMs = 3000) {
  await sleep(1000);
  const from = performance.now();
  await fault();
  await sleep(holdMs);
  const healedAt = performance.now();
  await heal();
  await sleep(afterMs);
  return { from, healedAt, window: during(mix.outcomes, from, healedAt) };
}

const notOk = <T extends Pick<Outcome, 'status'>>(os: T[]) => os.filter((o) => o.status < 200 || o.status >= 300);

/** k6's requests that began in [from, to), once every one of them has ended; k6 must have been sending. */
async function k6During(from: number, to: number): Promise<K6Outcome[]> {
  const window = await k6!.during(from, to);
  expect(window.length).toBeGreaterThan(0);
  return window;
}

describe('faults under load', { timeout: 300_000 }, () => {
  beforeAll(async () => {
    releaseLock = await holdItestLock();
    suiteStart = performance.now();
    await cluster.down();
    await cluster.up();
    database = await createTestDatabase('wick_test_faults');
    await seed(database);
    proxy = await new TcpProxyProcess({ host: '127.0.0.1', port: 3306 }).start();
    const dbUrl = new URL(urlForDatabase('wick_test_faults'));
    dbUrl.port = String(proxy.port);
    env = serverEnv('faults', dbUrl.toString(), { VALKEY_NODES: cluster.nodes, LOG_LEVEL: process.env.FAULTS_LOG_LEVEL ?? 'warn' });
    // The server's own cache timeout and TTLs, as in production.
    delete env.CACHE_TIMEOUT_MS;
    delete env.WICK_CACHE_TTL;
    // Except how long a new MySQL connection may take: 1 s as shipped, which a CPU-starved CI box
    // exceeds (a 503 that measures the box, not a fault). A cut proxy refuses connections at once,
    // so fault 3 answers SERVICE_UNAVAILABLE as fast either way.
    env.DB_CONNECT_TIMEOUT_MS = '10000';
    mkdirSync(LOG_DIR, { recursive: true });
    servers = await Promise.all([spawnLogged(env), spawnLogged(env)]);
    const base = servers[0]!.url;
    const btc = await query<{ candles: { time: number[] } }>(base, 'candles.range', { symbol: 'BTCUSDT', interval: '1m', limit: 1000 });
    const sol = await query<{ candles: { time: number[]; close: number[] } }>(base, 'candles.range', {
      symbol: 'SOLUSDT',
      interval: '1m',
      limit: 1000,
    });
    const liq = await query<{ rows: { orderTradeTime: number }[] }>(base, 'liquidations.list', { limit: 1 });
    const btcTimes = btc.data!.candles.time;
    const solTimes = sol.data!.candles.time;
    targets = {
      symbol: 'BTCUSDT',
      // A closed window well before the end of the series.
      to: btcTimes[btcTimes.length - 200]!,
      newest: liq.data!.rows[0]!.orderTradeTime,
      ingestSymbol: 'SOLUSDT',
      ingestTimes: solTimes.slice(0, 600),
      basePrice: sol.data!.candles.close[0]!,
      ingestKey: INGEST_KEY,
    };
    mix = new LoadMix(urls, targets);
    // Warm what the cached reads name.
    await until('a cached compute answers hit on both processes', cachedHit, 40);
    mix.start(CONCURRENCY);
    k6 = new K6Load(urls, { symbol: 'BTCUSDT', secondSymbol: 'ETHUSDT', to: targets.to, newest: targets.newest }, K6_RATE);
    await k6.start();
    // Generous: it includes waiting for /tmp/wick-itest.lock behind other suites (a hang guard, not a measurement).
  }, 3_600_000);

  beforeEach(({ onTestFailed }) => {
    onTestFailed(() => {
      anyFaultFailed = true;
    });
  });

  afterAll(async () => {
    await mix?.stop();
    await k6?.stop();
    await Promise.all(servers.map((s) => s.stop()));
    await proxy?.stop();
    await database?.drop();
    await cluster.down();
    releaseLock?.();
    const minutes = ((performance.now() - suiteStart) / 60_000).toFixed(1);
    // docs/faults.md is the whole table from `pnpm test:faults`: a partial run (-t, or a suite that
    // stopped early), a run with a failed fault, or npm test's run (FAULTS_DOC=0: CI must not rewrite a tracked file), writes its
    // rows next to the server logs instead.
    const complete = rows.length === FAULTS && !anyFaultFailed && process.env.FAULTS_DOC !== '0';
    mkdirSync(LOG_DIR, { recursive: true });
    writeFaultsDoc(
      complete ? join(REPO_ROOT, 'docs', 'faults.md') : join(LOG_DIR, 'faults.md'),
      rows,
      `Two server processes (\`pnpm start\` settings: cache timeout, TTLs, admission's in-flight cap and socket limits as shipped; ` +
        `its event-loop-delay trigger off, as in every test server, and MySQL's connect timeout 10 s instead of 1 s: a loaded CI box stalls for seconds) on the demo seed, behind a client-side balancer; ` +
        `${CONCURRENCY} concurrent clients looping over cached/cold computes, 5m candle ranges, liquidation pages, summaries, CSV exports and ingest, ` +
        `and k6 at ${K6_RATE} requests/s (a read-only mix: cached and cold computes, candle ranges, liquidation pages, summaries); ` +
        `a private 6-node Valkey cluster (ports ${cluster.base}+) and a TCP proxy (a process of its own) in front of MySQL. The whole suite took ${minutes} min.`,
    );
  }, 300_000);

  it('1. kill -9 one Valkey primary: 0 failed requests, hits resume after failover', async () => {
    const port = (await cluster.primaries())[0]!;
    const { window, healedAt, from } = await underLoad(
      async () => {
        process.kill(cluster.pid(port), 'SIGKILL');
      },
      8000,
      async () => {
        await until('a cached read is a hit again on both processes', cachedHit);
      },
    );
    const k6Window = await k6During(from, healedAt);
    rows.push(
      rowFor(
        `1. kill -9 Valkey primary :${port}`,
        window,
        recoveryMs(mix.outcomes, healedAt),
        '0 failed requests; hits resume after failover',
        k6Window,
      ),
    );
    await cluster.up();
    expect(failuresOf(window)).toEqual({});
    expect(failuresOf(k6Window)).toEqual({});
  });

  it('7. ingest during a Valkey primary failover: every acknowledged ingest is visible to every reader after', async () => {
    const acksBefore = mix.acks.length;
    const port = (await cluster.primaries())[0]!;
    const { window, healedAt, from } = await underLoad(
      async () => {
        process.kill(cluster.pid(port), 'SIGKILL');
      },
      8000,
      async () => until('a cached read is a hit again on both processes', cachedHit),
    );
    await cluster.up();
    const ingests = window.filter((o) => o.kind === 'ingest');
    const k6Window = await k6During(from, healedAt);
    const acks = await checkAcks();
    rows.push(
      rowFor(
        `7. ingest during failover (:${port})`,
        window,
        recoveryMs(mix.outcomes, healedAt),
        `${ingests.length} ingests during it (${mix.acks.length - acksBefore} acknowledged since it began); ${ackNote(acks)}`,
        k6Window,
      ),
    );
    expect(failuresOf(k6Window)).toEqual({});
    expect(ingests.length).toBeGreaterThan(0);
    // Each ingest either succeeded or failed with a clear error: never a 500 or no answer.
    for (const o of notOk(ingests)) expect([503, 429]).toContain(o.status);
    expect(acks).toEqual({ candles: acks.candles, lost: 0, stale: 0 });
  });

  it('2. the whole Valkey cluster stopped, then started: every read answered from MySQL; the breaker closes, hits resume', async () => {
    const callsToValkey = async () => {
      let n = 0;
      for (const u of urls()) n += await metric(u, 'wick_cache_valkey_call_seconds_count');
      return n;
    };
    await sleep(1000);
    const from = performance.now();
    await cluster.down();
    const downAt = performance.now();
    // Both breakers open (the first refused calls trip them), then 8 s of outage under load in which
    // not one call may be sent toward the dead cluster.
    await until('both breakers open', async () => (await breakers()).every((b) => b !== 'closed'));
    const before = await callsToValkey();
    await sleep(8000);
    const sentWhileOpen = (await callsToValkey()) - before;
    const healedAt = performance.now();
    await cluster.up();
    await until('both breakers closed', allClosed);
    await until('a cached read is a hit again on both processes', cachedHit);
    const tripsAtRecovery = await breakerTrips();
    await sleep(3000);
    const tripsAfter = subtractCounts(await breakerTrips(), tripsAtRecovery);
    const window = during(mix.outcomes, from, healedAt);
    const upAt = healedAt;
    // Reads that started once every node was gone and finished before it came back: all from MySQL.
    const reads = mix.outcomes.filter((o) => (o.kind === 'cached' || o.kind === 'cold') && o.start >= downAt && o.end <= upAt);
    const outage = during(mix.outcomes, downAt, upAt);
    const answered = (os: Outcome[]) => os.filter((o) => o.status === 200);
    const k6Window = await k6During(from, healedAt);
    rows.push(
      rowFor(
        '2. whole Valkey cluster down, then up',
        window,
        recoveryMs(mix.outcomes, healedAt),
        `${answered(outage).length}/${outage.length} answered while down; ${reads.filter((o) => o.cache === 'bypass').length}/${reads.length} computes ` +
          `answered from MySQL (bypass); ${sentWhileOpen} calls sent toward Valkey while the breakers were open; breaker closed and hits after` +
          `${tripsAfter.timeout ? ` (then ${tripsAfter.timeout} timeout trip(s) on the loaded box, closed again)` : ''}`,
        k6Window,
      ),
    );
    expect(failuresOf(window)).toEqual({});
    expect(failuresOf(k6Window)).toEqual({});
    expect(reads.length).toBeGreaterThan(0);
    expect(reads.map((o) => `${o.status} ${o.cache}`)).toEqual(reads.map(() => '200 bypass'));
    expect(sentWhileOpen).toBe(0);
    // Once recovered, a breaker may trip again only because Valkey answered too slowly (a starved
    // box: the 100 ms timeout is the design's verdict on Valkey), never because the cluster or the
    // client is gone; and it closes again.
    expect({ ...tripsAfter, timeout: 0 }).toEqual({ timeout: 0 });
    await until('both breakers closed again', allClosed, 40);
  });

  it('3. MySQL cut 10 s: cached reads answer, uncached ones SERVICE_UNAVAILABLE (never 500, never hang), nothing acknowledged is lost', async () => {
    // A cached compute reaches MySQL only when its process's cache did not answer a call of it (a
    // Valkey timeout on this busy box, the breaker open): such a read is not cached, whatever it
    // asked for. The watch tells which reads ran while their process's cache answered throughout.
    const watch = new CacheAnswerWatch(urls());
    watch.start();
    const { window, healedAt, from } = await underLoad(
      () => proxy.cut(),
      10_000,
      () => proxy.restore(),
    );
    const k6Window = await k6During(from, healedAt);
    await watch.stop();
    const cachedOf = <T extends Outcome | K6Outcome>(os: T[]) => {
      const all = os.filter((o) => o.kind === 'cached');
      return { all, strict: all.filter((o) => watch.answered(o.server, o.start, o.end)) };
    };
    const cached = cachedOf(window);
    const k6Cached = cachedOf(k6Window);
    const failed = notOk(window);
    await until('every kind of request answers again', async () => {
      const outs = await Promise.all((['cold', 'page', 'summary', 'ingest'] as const).map((k) => mix.one(k)));
      return outs.every((o) => o.status === 200);
    });
    const acks = await checkAcks();
    const cachedNote = (c: { all: { status: number }[]; strict: { status: number }[] }) =>
      `${c.strict.length} cached reads while their process's cache answered, ${notOk(c.strict).length} failed` +
      ` (${c.all.length - c.strict.length} more overlapped a cache call that did not answer: ${notOk(c.all).length - notOk(c.strict).length} of them failed)`;
    rows.push(
      rowFor(
        '3. MySQL cut 10 s, then restored',
        window,
        recoveryMs(mix.outcomes, healedAt),
        `clients: ${cachedNote(cached)}; k6: ${cachedNote(k6Cached)}; every failure 503 SERVICE_UNAVAILABLE; ` +
          `cache calls unanswered ${JSON.stringify(Object.values(watch.unanswered()))}; ${ackNote(acks)}`,
        k6Window,
      ),
    );
    expect(cached.strict.length).toBeGreaterThan(0);
    expect(notOk(cached.strict)).toEqual([]);
    expect(k6Cached.strict.length).toBeGreaterThan(0);
    expect(notOk(k6Cached.strict)).toEqual([]);
    expect(failed.length).toBeGreaterThan(0);
    for (const o of [...failed, ...notOk(k6Window)]) expect(`${o.status} ${o.code}`).toBe('503 SERVICE_UNAVAILABLE');
    expect(acks).toEqual({ candles: acks.candles, lost: 0, stale: 0 });
  });

  it('5. a 1,000-request identical cold burst on a loaded box: 1 computation and 1 DB load across both processes, breaker closed', async () => {
    // The mix keeps loading the box with reads that reach neither MySQL nor the engine.
    await mix.stop();
    mix.start(CONCURRENCY, ['cached']);
    // k6 too, from at most BURST_VUS VUs: the burst puts 500 requests in flight on each process, and
    // the shipped admission cap is 512, so the background may hold at most 12 (the mix's 8, k6's 4);
    // past it the cap sheds with 503, which would measure admission, not the burst's coalescing.
    // k6's requests that began before the phase changed are waited for.
    expect(CONCURRENCY + BURST_VUS).toBeLessThanOrEqual(ADMISSION_IN_FLIGHT - 500);
    await k6!.setPhase('burst');
    await k6!.settled(performance.now());
    const req = { symbol: 'ETHUSDT', interval: '1m', indicator: 'rsi', params: { period: 21 }, limit: 700, to: targets.to - 137 * MINUTE };
    const engineRuns = (u: string) => metric(u, 'wick_engine_tasks_total', (l) => /completed|inline/.test(l));
    const dbLoads = (u: string) => metric(u, 'wick_candle_db_loads_total');
    const before = { engine: 0, db: 0 };
    for (const u of urls()) {
      before.engine += await engineRuns(u);
      before.db += await dbLoads(u);
    }
    const breakerSeen = new Set<string>();
    let polling = true;
    const poll = (async () => {
      while (polling) {
        for (const b of await breakers()) breakerSeen.add(b);
        await sleep(100);
      }
    })();
    const from = performance.now();
    const answers = await Promise.all(
      Array.from({ length: 1000 }, (_, i) =>
        fetch(`${urls()[i % 2]}/trpc/indicators.compute?input=${encodeURIComponent(JSON.stringify(superjson.serialize(req)))}`).then(
          async (r) => {
            const body = (await r.json()) as { error?: { json?: { data?: { code?: string } } } };
            return { status: r.status, code: body.error?.json?.data?.code ?? null };
          },
        ),
      ),
    );
    const end = performance.now();
    polling = false;
    await poll;
    // Not required to be non-empty: on a quiet box the burst may end before a burst-phase VU sends.
    const k6Window = await k6!.during(from, end);
    const after = { engine: 0, db: 0 };
    for (const u of urls()) {
      after.engine += await engineRuns(u);
      after.db += await dbLoads(u);
    }
    const byStatus: Record<string, number> = {};
    for (const a of answers)
      byStatus[`${a.status}${a.code ? ` ${a.code}` : ''}`] = (byStatus[`${a.status}${a.code ? ` ${a.code}` : ''}`] ?? 0) + 1;
    const computations = after.engine - before.engine;
    const loads = after.db - before.db;
    rows.push({
      ...rowFor('5. 1,000 identical cold computes at once', during(mix.outcomes, from, end), null, '', k6Window),
      requests: 1000,
      failures: Object.fromEntries(Object.entries(byStatus).filter(([k]) => !k.startsWith('200'))),
      notes: `${computations} computation(s), ${loads} DB load(s); breaker states seen: ${[...breakerSeen].join(', ')}; answers ${JSON.stringify(byStatus)}`,
    });
    await mix.stop();
    mix.start(CONCURRENCY);
    await k6!.setPhase('all');
    expect(failuresOf(k6Window)).toEqual({});
    expect(k6Window.every((o) => o.kind === 'cached' || o.kind === 'candles')).toBe(true);
    expect(byStatus).toEqual({ 200: 1000 });
    expect(computations).toBe(1);
    expect(loads).toBe(1);
    expect([...breakerSeen]).toEqual(['closed']);
  });

  it('6. hostile clients: health answers, other clients unaffected, memory and fds bounded', async () => {
    const base = urls()[0]!;
    const { hostname, port } = new URL(base);
    const rss = () => metric(base, 'process_resident_memory_bytes');
    const fds = () => metric(base, 'process_open_fds');
    const before = { rss: await rss(), fds: await fds() };
    const peak = { rss: before.rss, fds: before.fds };
    // The hostile payloads are built first: building them while sockets connect would stall this
    // process (the clients) with a connected socket that has sent nothing yet — a harness artefact.
    const bigBody = new Uint8Array(100 * 1024 * 1024).fill(32);
    const bigHeader = 'a'.repeat(1024 * 1024);
    const items = Array.from({ length: 10_000 }, () => ({
      symbol: 'BTCUSDT',
      interval: '1m',
      indicator: 'rsi',
      params: {},
      limit: 10,
      to: targets.to,
    }));
    const batchPath = `/trpc/indicators.batch?input=${encodeURIComponent(JSON.stringify(superjson.serialize({ items })))}`;
    const sockets: Socket[] = [];
    const from = performance.now();
    // 2,000 idle sockets and a slowloris (a header line every 500 ms, never finished).
    for (let i = 0; i < 2000; i++) sockets.push(connect(Number(port), hostname).on('error', () => undefined));
    const slow = connect(Number(port), hostname).on('error', () => undefined);
    slow.write('GET /health HTTP/1.1\r\nHost: x\r\n');
    const drip = setInterval(() => slow.writable && slow.write('X-Slow: 1\r\n'), 500);
    const health: number[] = [];
    const hostile: Record<string, number> = {};
    // A 100 MB body, 1 MB of headers, a 10,000-item batch (a ~1.5 MB URL), each over a raw socket
    // that reads the refusal even when the server closes while the request is still going out.
    const why: Record<string, string> = {};
    const statusOf = (name: string) => (a: RawAnswer) => {
      if (a.error) why[name] = a.error;
      return a.status;
    };
    const host = `Host: ${hostname}:${port}\r\n`;
    const big = rawRequest(hostname, Number(port), [
      `POST /trpc/candles.ingest HTTP/1.1\r\n${host}content-type: application/json\r\nauthorization: Bearer ${INGEST_KEY}\r\n` +
        `content-length: ${bigBody.length}\r\nconnection: close\r\n\r\n`,
      bigBody,
    ]).then(statusOf('body100MB'));
    const headers = rawRequest(hostname, Number(port), [
      `GET /health HTTP/1.1\r\n${host}x-big: `,
      bigHeader,
      '\r\nconnection: close\r\n\r\n',
    ]).then(statusOf('headers1MB'));
    const batch = rawRequest(hostname, Number(port), [`GET `, batchPath, ` HTTP/1.1\r\n${host}connection: close\r\n\r\n`]).then(
      statusOf('batch10k'),
    );
    const healthMs: number[] = [];
    // A kept-alive connection the flood made the server close (idle eviction closes the longest
    // silent socket: it may be the one this client was about to reuse) is no answer from /health;
    // like any client, this one sends its GET again on a new connection — once, and counted.
    let healthResent = 0;
    const healthOnce = async (u: string): Promise<number> => {
      const first = await get(u + '/health');
      if (first.status !== 0 || !['UND_ERR_SOCKET', 'ECONNRESET', 'EPIPE'].includes(first.error ?? '')) return first.status;
      healthResent++;
      return (await get(u + '/health')).status;
    };
    for (let i = 0; i < 20; i++) {
      const started = performance.now();
      health.push(await healthOnce(base));
      healthMs.push(performance.now() - started);
      peak.rss = Math.max(peak.rss, await rss());
      peak.fds = Math.max(peak.fds, await fds());
      await sleep(250);
    }
    // Still open on this side: what the server holds of the flood once its grace is over.
    const settledFds = await fds();
    hostile.body100MB = await big;
    hostile.headers1MB = await headers;
    hostile.batch10k = await batch;
    const end = performance.now();
    clearInterval(drip);
    for (const s of [...sockets, slow]) s.destroy();
    const others = during(mix.outcomes, from, end);
    const k6Window = await k6During(from, end);
    const refused = await metricsByLabel(base, 'wick_http_refused_total');
    const sorted = [...healthMs].sort((a, b) => a - b);
    rows.push(
      rowFor(
        '6. hostile clients (2,000 idle sockets, slowloris, 100 MB body, 1 MB headers, 10k-item batch)',
        others,
        null,
        `health ${health.filter((s) => s === 200).length}/${health.length} OK (${JSON.stringify(health.filter((s) => s !== 200))} otherwise, ` +
          `${healthResent} sent again after a kept-alive connection closed unanswered, ` +
          `slowest ${Math.round(sorted.at(-1) ?? 0)} ms); hostile answers ${JSON.stringify(hostile)}${Object.keys(why).length ? ` (no answer: ${JSON.stringify(why)})` : ''}; ` +
          `refused by the socket limits ${JSON.stringify(refused)}; ` +
          `RSS ${(before.rss / 1e6).toFixed(0)} → peak ${(peak.rss / 1e6).toFixed(0)} MB, fds ${before.fds} → peak ${peak.fds} → ${settledFds} ` +
          `with the flood still connected (idle sockets kept: ${IDLE_SOCKETS}, each closed after 1 s of silence); p99 of the other clients in the p99 column`,
        k6Window,
      ),
    );
    // Health answers every time: it is in the light lane (never shed) and a flood of idle sockets
    // closes the longest silent one, never the new connection. A 503 is its own answer that the
    // database ping took longer than its 1 s check on this loaded box (a time, so counted in the
    // table, not asserted).
    expect(health.filter((s) => s !== 200 && s !== 503)).toEqual([]);
    expect(failuresOf(others)).toEqual({});
    expect(failuresOf(k6Window)).toEqual({});
    // Each hostile request gets its own clear refusal.
    expect(hostile).toEqual({ body100MB: 413, headers1MB: 431, batch10k: 431 });
    // File descriptors, with the 2,000 sockets still connected: the idle cap, plus what the load and
    // the hostile requests themselves hold (the flood is closed once it has been silent 1 s).
    expect(settledFds - before.fds).toBeLessThanOrEqual(IDLE_SOCKETS + 200);
    // Memory: the 100 MB body is refused before it is read (it would add at least its own size).
    expect(peak.rss - before.rss).toBeLessThan(100 * 1024 * 1024);
    expect((await get(`${base}/health`)).status).toBe(200);
  });

  it('4. SIGTERM one server process under load: in-flight requests finish, new ones go to the other, no 5xx', async () => {
    const leaving = servers[1]!;
    let exitCode: number | null = null;
    const { window, from, healedAt } = await underLoad(
      async () => {
        const stopped = leaving.stop('SIGTERM').then((c) => (exitCode = c));
        // The balancer stops sending to it once it is told to leave; what it has in flight must finish.
        servers = [servers[0]!];
        await stopped;
      },
      3000,
      async () => undefined,
    );
    // k6 cannot be told the process left: a connection it refuses goes to the other one, as a balancer does.
    const k6Window = await k6During(from, healedAt);
    rows.push(
      rowFor('4. SIGTERM one of the two processes', window, null, `exit code ${exitCode}; no 5xx, no request left unanswered`, k6Window),
    );
    expect(exitCode).toBe(0);
    expect(failuresOf(window)).toEqual({});
    expect(failuresOf(k6Window)).toEqual({});
  });
});
