// Admission control against real server processes (real MariaDB, real Valkey cluster): a burst past
// capacity is shed at once with clear 503s, cheap requests keep their own answers during it, and
// ADMISSION=off is the switch that admits everything. Counts and codes only, never time.
import superjson from 'superjson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@wick/server';
import { admissionOptions } from '../src/admission-options.ts';
import { laneOf } from '../src/admission-lane.ts';
import { MINUTE, SYMBOLS, spawnServer, startWick, T0, type ServerProcess, type Wick } from '@wick/server/testing';

const BURST = 40;

interface Answer {
  status: number;
  retryAfter: string | null;
  code: string | null;
  message: string | null;
  shedReason: string | null;
  reason: string | null;
  retryAfterMs: number | null;
}

async function query(base: string, path: string, input?: unknown): Promise<Answer> {
  const qs = input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(superjson.serialize(input)))}`;
  const res = await fetch(`${base}/trpc/${path}${qs}`);
  const body = (await res.json()) as {
    error?: { json?: { message?: string; data?: { code?: string; shedReason?: string; reason?: string; retryAfterMs?: number } } };
  };
  return {
    status: res.status,
    retryAfter: res.headers.get('retry-after'),
    code: body.error?.json?.data?.code ?? null,
    message: body.error?.json?.message ?? null,
    shedReason: body.error?.json?.data?.shedReason ?? null,
    reason: body.error?.json?.data?.reason ?? null,
    retryAfterMs: body.error?.json?.data?.retryAfterMs ?? null,
  };
}

/** Bollinger Bands with a stdDev never used before: a cache miss that runs the engine. */
let salt = 0;
const coldCompute = () => ({
  symbol: SYMBOLS[0],
  interval: '1m',
  indicator: 'bbands',
  params: { period: 20, stdDev: 2 + ++salt * 1e-6 + Math.random() * 1e-3 },
  limit: 1000,
  to: T0 - MINUTE,
});

function byStatus(answers: Answer[]): Record<number, number> {
  const out: Record<number, number> = {};
  for (const a of answers) out[a.status] = (out[a.status] ?? 0) + 1;
  return out;
}

/** A metric summed over the label sets `labels` accepts (all by default); 0 when absent. */
async function metric(base: string, name: string, labels = /.*/): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  return [...text.matchAll(new RegExp(`^${name}(?:\\{([^}]*)\\})? (\\S+)$`, 'gm'))]
    .filter((m) => labels.test(m[1] ?? ''))
    .reduce((n, m) => n + Number(m[2]), 0);
}

/** wick_admission_shed_total, summed over the reasons `labels` accepts (all by default). */
async function shedTotal(base: string, labels = /.*/): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  return [...text.matchAll(/^wick_admission_shed_total\{([^}]*)\} (\d+)$/gm)]
    .filter((m) => labels.test(m[1]!))
    .reduce((n, m) => n + Number(m[2]), 0);
}

describe('admission lanes and settings', () => {
  it('puts DB/engine procedures and exports in the work lane, everything else in the light one', () => {
    expect(laneOf('/trpc/indicators.compute')).toBe('work');
    expect(laneOf('/trpc/noop,indicators.batch')).toBe('work');
    expect(laneOf('/trpc/candles.range')).toBe('work');
    expect(laneOf('/trpc/liquidations.summary')).toBe('work');
    expect(laneOf('/export/liquidations.csv')).toBe('work');
    expect(laneOf('/trpc/indicators.catalog')).toBe('light');
    expect(laneOf('/trpc/noop,symbols.list')).toBe('light');
    expect(laneOf('/trpc/candles.live')).toBe('light');
    expect(laneOf('/health')).toBe('light');
    expect(laneOf('/metrics')).toBe('light');
  });

  it('reads its settings through loadConfig, with bounds', () => {
    expect(admissionOptions(loadConfig({}))).toEqual({
      enabled: true,
      maxInFlight: 512,
      maxLoopDelayMs: 2000,
      retryAfterS: 1,
      join: true,
    });
    expect(admissionOptions(loadConfig({ ADMISSION_JOIN: 'off' })).join).toBe(false);
    expect(admissionOptions(loadConfig({ ADMISSION: 'off' })).enabled).toBe(false);
    expect(admissionOptions(loadConfig({ ADMISSION_MAX_IN_FLIGHT: '7', ADMISSION_RETRY_AFTER_S: '3' }))).toMatchObject({
      maxInFlight: 7,
      retryAfterS: 3,
    });
    expect(() => loadConfig({ ADMISSION_MAX_IN_FLIGHT: '0' })).toThrow(/ADMISSION_MAX_IN_FLIGHT/);
    expect(() => loadConfig({ ADMISSION: 'maybe' })).toThrow(/ADMISSION: must be on or off/);
    expect(() => loadConfig({ ADMISSION_MAX_LOOP_DELAY_MS: '5' })).toThrow(/ADMISSION_MAX_LOOP_DELAY_MS/);
    // The process environment is read by loadConfig alone: a setting passed to it wins.
    expect(admissionOptions(loadConfig({ ADMISSION_MAX_LOOP_DELAY_MS: '60000' })).maxLoopDelayMs).toBe(60_000);
  });

  it('reads APPEND_AWARE through loadConfig: on unless 0, anything else named', () => {
    expect(loadConfig({}).APPEND_AWARE).toBe(true);
    expect(loadConfig({ APPEND_AWARE: '1' }).APPEND_AWARE).toBe(true);
    expect(loadConfig({ APPEND_AWARE: '0' }).APPEND_AWARE).toBe(false);
    expect(() => loadConfig({ APPEND_AWARE: 'no' })).toThrow(/APPEND_AWARE: must be 0 or 1/);
  });
});

describe('admission control under a burst', () => {
  let wick: Wick;
  let limited: ServerProcess;
  let open: ServerProcess;
  /** One worker, no queue, nothing inline: every computation past the first in flight is refused (OVERLOADED). */
  let tinyEngine: ServerProcess;
  /** As `limited`, but an identical query's joiners count toward the cap like any request (the old rule). */
  let noJoin: ServerProcess;

  beforeAll(async () => {
    wick = await startWick('admission');
    // Two processes on the same database and cache: one admits 2 work requests at once, one admits all.
    [limited, open, tinyEngine, noJoin] = await Promise.all([
      spawnServer({ ...wick.env, ADMISSION_MAX_IN_FLIGHT: '2', ADMISSION_MAX_LOOP_DELAY_MS: '60000' }),
      spawnServer({ ...wick.env, ADMISSION: 'off' }),
      spawnServer({ ...wick.env, WICK_ENGINE_THREADS: '1', WICK_ENGINE_MAX_QUEUE: '0', WICK_ENGINE_INLINE_MAX_CANDLES: '0' }),
      spawnServer({ ...wick.env, ADMISSION_MAX_IN_FLIGHT: '2', ADMISSION_MAX_LOOP_DELAY_MS: '60000', ADMISSION_JOIN: 'off' }),
    ]);
    // A first computation per process starts its engine workers: not part of any burst below.
    await Promise.all([limited, noJoin].map((s) => query(s.url, 'indicators.compute', coldCompute())));
  }, 240_000);

  afterAll(async () => {
    await Promise.all([limited?.stop(), open?.stop(), tinyEngine?.stop(), noJoin?.stop()]);
    await wick?.close();
  });

  it('sheds the excess of a burst at once with 503 SERVICE_UNAVAILABLE and Retry-After; cheap requests answer', async () => {
    const burst = Array.from({ length: BURST }, () => query(limited.url, 'indicators.compute', coldCompute()));
    const cheap = Promise.all([
      query(limited.url, 'noop'),
      query(limited.url, 'indicators.catalog'),
      query(limited.url, 'indicators.compute', { ...coldCompute(), interval: '7m' }),
      fetch(`${limited.url}/health`).then((r) => r.status),
    ]);
    const answers = await Promise.all(burst);
    const [noop, catalog, invalid, health] = await cheap;

    const counts = byStatus(answers);
    expect(Object.keys(counts).sort()).toEqual(['200', '503']);
    expect(counts[200]).toBeGreaterThanOrEqual(1);
    expect(counts[503]).toBeGreaterThanOrEqual(1);
    expect(counts[200]! + counts[503]!).toBe(BURST);
    for (const a of answers.filter((x) => x.status === 503)) {
      expect(a.code).toBe('SERVICE_UNAVAILABLE');
      expect(a.retryAfter).toBe('1');
      expect(a.message).toMatch(/at capacity: retry in 1 s/);
      // Why it was shed is in the answer and in the metric's label; machine-readable as every retryable error.
      expect(a.shedReason).toBe('in_flight');
      expect([a.reason, a.retryAfterMs]).toEqual(['overloaded', 1000]);
    }
    expect(await shedTotal(limited.url)).toBe(counts[503]);
    expect(await shedTotal(limited.url, /reason="in_flight"/)).toBe(counts[503]);

    expect(noop.status).toBe(200);
    expect(catalog.status).toBe(200);
    // Bad input learns what to fix, whatever the load.
    expect(invalid.status).toBe(400);
    expect(invalid.code).toBe('BAD_REQUEST');
    expect(health).toBe(200);
  });

  it('admits an identical burst past the cap: its joiners share one computation (with ADMISSION_JOIN=off they are shed)', async () => {
    const computations = (base: string) => metric(base, 'wick_engine_tasks_total', /completed|inline/);
    const joined = (base: string) => metric(base, 'wick_admission_joined_total');
    // Up to three bursts until one overlapped the cap (joiners admitted): a box that happened to
    // serialize a burst cannot make this pass vacuously. Every burst: all answered, one computation.
    for (let burst = 0; burst < 3 && (await joined(limited.url)) === 0; burst++) {
      const engineBefore = await computations(limited.url);
      const input = coldCompute();
      const answers = await Promise.all(Array.from({ length: 2 * BURST }, () => query(limited.url, 'indicators.compute', input)));
      // None shed. (On a loaded box the one computation may outlive the 5 s budget: its waiters then
      // answer 408 TIMEOUT together, as the ADMISSION=off arm's do.)
      expect(answers.filter((a) => a.status !== 200 && a.status !== 408)).toEqual([]);
      expect(answers.some((a) => a.status === 200)).toBe(true);
      expect((await computations(limited.url)) - engineBefore).toBe(1);
    }
    expect(await joined(limited.url)).toBeGreaterThan(0);

    // The old rule: the same kind of burst on a process that counts joiners as full requests sheds.
    const shed: Answer[] = [];
    for (let burst = 0; burst < 3 && shed.length === 0; burst++) {
      const same = coldCompute();
      const old = await Promise.all(Array.from({ length: 2 * BURST }, () => query(noJoin.url, 'indicators.compute', same)));
      expect(old.filter((a) => a.status !== 200 && a.status !== 503 && a.status !== 408)).toEqual([]);
      shed.push(...old.filter((a) => a.status === 503));
    }
    expect(shed.length).toBeGreaterThan(0);
    expect(await joined(noJoin.url)).toBe(0);
  });

  it('answers every request again once the burst is over', async () => {
    const after = await Promise.all([
      query(limited.url, 'indicators.compute', coldCompute()),
      query(limited.url, 'indicators.compute', coldCompute()),
    ]);
    expect(after.map((a) => a.status)).toEqual([200, 200]);
  });

  it('with ADMISSION=off sheds nothing (the switch the burst bench compares)', async () => {
    const answers = await Promise.all(Array.from({ length: BURST }, () => query(open.url, 'indicators.compute', coldCompute())));
    // What the unshed burst gets depends on the box (on a loaded one, some 408 TIMEOUTs): only the switch is asserted.
    expect(answers.filter((a) => a.status === 503)).toEqual([]);
    expect(answers.filter((a) => a.status === 200).length).toBeGreaterThanOrEqual(1);
    expect(await shedTotal(open.url)).toBe(0);
  });

  it('answers an engine refusal (queue full) with 429 TOO_MANY_REQUESTS and Retry-After', async () => {
    const refused: Answer[] = [];
    // A burst of distinct cold computations on one worker with no queue: some find it busy. Up to
    // three bursts, so a box that happened to serialize one cannot make this pass vacuously.
    for (let burst = 0; burst < 3 && refused.length === 0; burst++) {
      const answers = await Promise.all(Array.from({ length: BURST }, () => query(tinyEngine.url, 'indicators.compute', coldCompute())));
      expect(answers.filter((a) => a.status !== 200 && a.status !== 429)).toEqual([]);
      refused.push(...answers.filter((a) => a.status === 429));
    }
    expect(refused.length).toBeGreaterThan(0);
    for (const a of refused) {
      expect(a.code).toBe('TOO_MANY_REQUESTS');
      expect(a.retryAfter).toBe('1');
      expect([a.reason, a.retryAfterMs]).toEqual(['overloaded', 1000]);
    }
  });
});
