// The near-cache bus against the real shared cluster: one writer and members on one prefix, each its
// own cache (own connections, own process id), as separate processes would be. Assertions are on
// states and counts (standing, fences, acks, what a member keeps), never on time.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCache, type CacheVersion, type SeriesHead, type SeriesRef, type WickCache } from '../src/index.ts';
import { eventually, SHARED_NODES, testPrefix } from './helpers.ts';

const prefix = testPrefix('near');
const series: SeriesRef = { symbol: 'NEARUSDT', interval: '1m' };
const open = (p = prefix) => createCache({ nodes: SHARED_NODES, prefix: p, requestTimeoutMs: 500 });
let writer: WickCache;
let b: WickCache;
let c: WickCache;
let rev = 0;
const col = (v: number) => Float64Array.of(v);
const head = (): SeriesHead => ({
  rev: ++rev,
  tail: { time: col(rev * 60_000), open: col(1), high: col(1), low: col(1), close: col(rev), volume: col(1) },
});
const id = () => b.nearCache.versionIdOf(series);

/** What a fast path does on a miss in bus mode: a ticket, a Valkey read, then remember. */
async function readAndRemember(member: WickCache): Promise<CacheVersion> {
  const ticket = member.nearCache.ticket(id());
  const v = await member.readVersion(series);
  if (!v) throw new Error('no version');
  member.nearCache.remember(id(), v, ticket);
  return v;
}

beforeAll(async () => {
  [writer, b, c] = await Promise.all([open(), open(), open()]);
  await writer.invalidateSeries(series); // a generation to start from
  expect(await b.nearCache.join({ leaseMs: 1_000 })).toBe(true);
  expect(await c.nearCache.join({ leaseMs: 1_000 })).toBe(true);
});
afterAll(async () => {
  await writer?.clear();
  await Promise.all([writer?.close(), b?.close(), c?.close()]);
});

describe('near-cache bus', () => {
  it('after every version-publishing write returns, no member keeps the version from before it', async () => {
    const before = writer.nearCache.counts();
    for (let i = 0; i < 20; i++) {
      for (const m of [b, c]) await readAndRemember(m);
      expect(b.nearCache.version(id())).toBeDefined();
      if (i % 5 === 4) await writer.invalidateSeries(series);
      else expect(await writer.advanceHead(series, head())).toBe('stored');
      expect(b.nearCache.version(id())).toBeUndefined();
      expect(c.nearCache.version(id())).toBeUndefined();
      // Read again: the version the write published.
      const now = await readAndRemember(b);
      expect(b.nearCache.version(id())).toEqual(now);
      expect(now.headRev).toBe(rev);
    }
    const after = writer.nearCache.counts();
    expect(after.fences - before.fences).toBe(0);
    expect(after.acks - before.acks).toBe(40);
    expect(after.members).toBe(2);
    expect(b.nearCache.inStanding() && c.nearCache.inStanding()).toBe(true);
  });

  it('a version read before a write is not kept once the write returned (a miss racing an ingest)', async () => {
    const ticket = b.nearCache.ticket(id());
    const old = await b.readVersion(series);
    await writer.advanceHead(series, head());
    b.nearCache.remember(id(), old!, ticket);
    expect(b.nearCache.version(id())).toBeUndefined();
  });

  it('a member that loses the messages unnoticed is fenced before the write returns, then regains standing', async () => {
    await readAndRemember(c);
    c.nearCache.dropMessages(true);
    const before = writer.nearCache.counts();
    const cBefore = c.nearCache.counts();
    expect(await writer.advanceHead(series, head())).toBe('stored');
    // The write fenced c and waited out its lease: c lost its standing, and what it kept with it.
    expect(writer.nearCache.counts().fences - before.fences).toBe(1);
    expect(c.nearCache.counts().standingLost - cBefore.standingLost).toBeGreaterThanOrEqual(1);
    expect(c.nearCache.counts().fencedSelf - cBefore.fencedSelf).toBeGreaterThanOrEqual(1);
    expect(c.nearCache.version(id())).toBeUndefined();
    // b acked as usual and kept its standing.
    expect(b.nearCache.inStanding()).toBe(true);
    c.nearCache.dropMessages(false);
    await eventually(() => c.nearCache.inStanding(), 100);
    expect(c.nearCache.counts().standingGained - cBefore.standingGained).toBeGreaterThanOrEqual(1);
    // Back in standing, from an empty map: it reads the current version again.
    expect(c.nearCache.version(id())).toBeUndefined();
    expect((await readAndRemember(c)).headRev).toBe(rev);
  });

  it('a member that joins while writes are in flight never keeps an older version than the last write that returned', async () => {
    for (let i = 0; i < 5; i++) {
      const late = await open();
      try {
        const joining = late.nearCache.join({ leaseMs: 1_000 });
        const write = writer.advanceHead(series, head());
        const ticket = late.nearCache.ticket(id()); // null until joined
        const [joined] = await Promise.all([joining, write]);
        expect(joined).toBe(true);
        const read = await late.readVersion(series);
        late.nearCache.remember(id(), read!, ticket);
        // Kept only if read after it joined AND after the write: never older than the write.
        const kept = late.nearCache.version(id());
        if (kept) expect(kept.headRev).toBe(rev);
        await readAndRemember(late);
        expect(late.nearCache.version(id())!.headRev).toBe(rev);
      } finally {
        await late.close();
      }
    }
  });

  it('a clear drops every member’s versions before it returns, and nobody is fenced', async () => {
    await readAndRemember(b);
    const before = writer.nearCache.counts();
    await writer.clear();
    expect(b.nearCache.version(id())).toBeUndefined();
    expect(writer.nearCache.counts().fences - before.fences).toBe(0);
    // The clear removed the member set: members find out at their next renewal and rejoin.
    await eventually(() => b.nearCache.counts().fencedSelf > 0 && b.nearCache.inStanding(), 100);
  });

  it('a writer of another prefix does not wait for these members', async () => {
    const other = await open(testPrefix('near-other'));
    try {
      await other.advanceHead(series, head());
      expect(other.nearCache.counts().members).toBe(0);
      expect(other.nearCache.counts().fences).toBe(0);
    } finally {
      await other.clear();
      await other.close();
    }
  });
});
