// L1 freshness by the near-cache bus (FAST_PATH_L1_FRESHNESS=bus), two real processes: A (this
// one) ingests, B (a child process) serves from its L1 with versions from its local map. After an
// ingest on A returns, B never answers the old candle: not with reads in flight across the write,
// not while B is paused (SIGSTOP), not after B's pub/sub connections are cut under it. Assertions
// are on answers, standing and counts, never on time.
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MINUTE, spawnServer, startWick, T0, type ServerProcess, type Wick } from '@wick/server/testing';
import { get, metricValue, trpcPath } from './fast-path-http.ts';

const SYMBOL = 'ETHUSDT';
let a: Wick;
let b: ServerProcess;
beforeAll(async () => {
  a = await startWick('fastpath_bus', { env: { FAST_PATH_L1_FRESHNESS: 'bus', FAST_PATH_L1_LEASE_MS: '1000' } });
  b = await spawnServer(a.env);
});
afterAll(async () => {
  if (b?.child.exitCode === null) b.child.kill('SIGCONT');
  await b?.stop();
  await a?.close();
});

const latest = trpcPath([{ path: 'candles.range', input: { symbol: SYMBOL, interval: '1m', limit: 20 } }], false);
const rsi = trpcPath(
  [{ path: 'indicators.compute', input: { symbol: SYMBOL, interval: '1m', indicator: 'rsi', params: {}, limit: 20 } }],
  false,
);
let round = 0;
let close = 3_000;

/** One ingest on A (alternating appends and corrections of the last candle); what B must answer after it. */
async function ingest(): Promise<{ time: number; close: number }> {
  round++;
  const time = T0 + Math.floor(round / 2) * MINUTE;
  close += round % 2 === 0 ? 7 : -3;
  await a.ingest.candles.ingest.mutate({
    symbol: SYMBOL,
    interval: '1m',
    candles: [{ time, open: close, high: close + 5, low: close - 5, close, volume: round }],
  });
  return { time, close };
}

async function lastOnB(): Promise<{ time: number; close: number; etag: string | undefined }> {
  const answer = await get(b.url, latest);
  const candles = JSON.parse(answer.text).result.data.json.candles as { time: number[]; close: number[] };
  return { time: candles.time.at(-1)!, close: candles.close.at(-1)!, etag: answer.headers.etag as string | undefined };
}

async function expectFresh(want: { time: number; close: number }): Promise<void> {
  const got = await lastOnB();
  expect({ time: got.time, close: got.close }).toEqual(want);
}

/** Until B serves both paths from its store (an ETag); bounded by tries. */
async function warm(): Promise<void> {
  for (const p of [latest, rsi]) {
    let served = false;
    for (let i = 0; i < 20 && !served; i++) served = (await get(b.url, p)).headers.etag !== undefined;
    expect(served).toBe(true);
  }
}

const metricsOf = async (url: string) => (await fetch(`${url}/metrics`)).text();
const aCount = async (name: string) => metricValue(await a.server.registry.metrics(), name);
const bStanding = async () => metricValue(await metricsOf(b.url), 'wick_near_cache_standing');

async function untilBInStanding(): Promise<void> {
  for (let i = 0; i < 100 && (await bStanding()) !== 1; i++) await new Promise((r) => setTimeout(r, 50));
  expect(await bStanding()).toBe(1);
}

/** B's pub/sub connections, killed on every node (Valkey's CLIENT LIST matched with B's own sockets). */
function cutPubSub(pid: number): number {
  const mine = new Set(
    execFileSync('ss', ['-tnpH'], { encoding: 'utf8' })
      .split('\n')
      .filter((l) => l.includes(`pid=${pid},`))
      .map((l) => l.trim().split(/\s+/)[3]!),
  );
  let killed = 0;
  for (let port = 7000; port <= 7005; port++) {
    let list: string;
    try {
      list = execFileSync('valkey-cli', ['-p', String(port), 'CLIENT', 'LIST', 'TYPE', 'pubsub'], { encoding: 'utf8' });
    } catch {
      continue;
    }
    for (const line of list.split('\n')) {
      const id = /\bid=(\d+)/.exec(line)?.[1];
      const addr = /\baddr=(\S+)/.exec(line)?.[1];
      if (!id || !addr || !mine.has(addr)) continue;
      execFileSync('valkey-cli', ['-p', String(port), 'CLIENT', 'KILL', 'ID', id]);
      killed++;
    }
  }
  return killed;
}

describe('fast path L1 with the near-cache bus, two processes', () => {
  it('after each ingest on A returns, B answers the new candle, also with reads of B in flight across the write', async () => {
    await untilBInStanding();
    const acksBefore = await aCount('wick_near_cache_acks_total');
    let fromStore = 0;
    for (let i = 0; i < 15; i++) {
      await warm();
      // Reads on B that may store answers of the version before the write, while it lands.
      const inFlight = Promise.all(Array.from({ length: 6 }, (_, k) => get(b.url, k % 2 ? rsi : latest)));
      const want = await ingest();
      await expectFresh(want);
      await inFlight;
      // Whatever those stored late, B still answers the new candle — from its store again.
      await expectFresh(want);
      const again = await lastOnB();
      expect({ time: again.time, close: again.close }).toEqual(want);
      if (again.etag) fromStore++;
    }
    expect(fromStore).toBeGreaterThan(10);
    expect((await aCount('wick_near_cache_acks_total')) - acksBefore).toBeGreaterThanOrEqual(15);
    expect(await bStanding()).toBe(1);
  });

  it('a paused member is fenced and its lease waited out: it answers the new candle when it resumes, then regains standing', async () => {
    await untilBInStanding();
    await warm();
    const fencesBefore = await aCount('wick_near_cache_fences_total');
    b.child.kill('SIGSTOP');
    let want: { time: number; close: number };
    try {
      want = await ingest();
    } finally {
      b.child.kill('SIGCONT');
    }
    // Fenced by the ingest's announcements that listed it (one per series the ingest moved, sent together).
    expect((await aCount('wick_near_cache_fences_total')) - fencesBefore).toBeGreaterThanOrEqual(1);
    await expectFresh(want);
    await untilBInStanding();
    await warm();
    await expectFresh(want);
  });

  it('a member whose pub/sub connections are cut under it never answers the old candle after an ingest returns', async () => {
    await untilBInStanding();
    await warm();
    const before = { acks: await aCount('wick_near_cache_acks_total'), fences: await aCount('wick_near_cache_fences_total') };
    expect(cutPubSub(b.child.pid!)).toBeGreaterThanOrEqual(1);
    for (let i = 0; i < 5; i++) {
      const want = await ingest();
      await expectFresh(want);
      await expectFresh(want);
    }
    // Every announcement was either acked by B or B was fenced for it (nothing was skipped).
    const after = { acks: await aCount('wick_near_cache_acks_total'), fences: await aCount('wick_near_cache_fences_total') };
    expect(after.acks - before.acks + (after.fences - before.fences)).toBeGreaterThanOrEqual(5);
    await untilBInStanding();
    await warm();
    const want = await ingest();
    await expectFresh(want);
  });
});
