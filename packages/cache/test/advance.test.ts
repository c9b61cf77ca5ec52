// Series heads and getOrLoad's `advance`, against the real shared cluster. "The database" is a
// candle list in memory; a write changes it, bumps its rev and moves the head, as ingest will.
// Nothing here reads the clock: assertions are on values, statuses and counts.
import { Decoder, GlideClusterClient } from '@valkey/valkey-glide';
import { INTERVAL_MS, type CandleColumns } from '@wick/market';
import { randomWalkCandles, type CandleObject } from '@wick/testkit';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CacheConfigError,
  candleCodec,
  createCache,
  jsonCodec,
  type GetOrLoadOptions,
  type SeriesHead,
  type SeriesRef,
  type WickCache,
} from '../src/index.ts';
import { envelopePrefix, wrap } from '../src/envelope.ts';
import { KeyBuilder } from '../src/keys.ts';
import { ADVANCE_WRITE } from '../src/scripts.ts';
import { deferred, SHARED_NODES, testPrefix } from './helpers.ts';

const prefix = testPrefix('adv');
const kb = new KeyBuilder(prefix);
const K = 4;
const N = 20;
const WIDTH = INTERVAL_MS['1m'];
const registry = new Registry();
let cache: WickCache;
let raw: GlideClusterClient;

beforeAll(async () => {
  cache = await createCache({ nodes: SHARED_NODES, prefix, requestTimeoutMs: 500, registry });
  raw = await GlideClusterClient.createClient({ addresses: SHARED_NODES });
  expect(cache.breakerState).toBe('closed');
});
afterAll(async () => {
  await cache.clear();
  raw.close();
  await cache.close();
});

function columns(candles: readonly CandleObject[]): CandleColumns {
  const pick = (name: keyof CandleObject) => Float64Array.from(candles, (c) => c[name]);
  return { time: pick('time'), open: pick('open'), high: pick('high'), low: pick('low'), close: pick('close'), volume: pick('volume') };
}

function objects(cols: CandleColumns): CandleObject[] {
  return Array.from(cols.time, (time, i) => ({
    time,
    open: cols.open[i]!,
    high: cols.high[i]!,
    low: cols.low[i]!,
    close: cols.close[i]!,
    volume: cols.volume[i]!,
  }));
}

/** A series in "the database": every write bumps rev by one; the head holds the last K candles. */
class FakeSeries {
  rev = 0;
  readonly candles: CandleObject[];

  constructor(
    readonly ref: SeriesRef,
    seed: number,
  ) {
    this.candles = randomWalkCandles(60, { seed });
  }

  latest(n = N): CandleColumns {
    return columns(this.candles.slice(-n));
  }

  head(): SeriesHead {
    return { rev: this.rev, tail: columns(this.candles.slice(-K)) };
  }

  /** A tail-only write: the provisional candle changes, and every other write a new one opens. */
  write(): SeriesHead {
    this.rev++;
    const last = this.candles.at(-1)!;
    const close = last.close + (this.rev % 7) - 3;
    this.candles[this.candles.length - 1] = { ...last, close, high: Math.max(last.high, close), low: Math.min(last.low, close) };
    if (this.rev % 2 === 0) this.candles.push({ time: last.time + WIDTH, open: close, high: close, low: close, close, volume: this.rev });
    return this.head();
  }

  /** Writes and moves the head, as ingest does before it answers. */
  async ingest(c: WickCache = cache): Promise<SeriesHead> {
    const head = this.write();
    expect(await c.advanceHead(this.ref, head)).toBe('stored');
    return head;
  }
}

/** The design's "latest N" advance: replace candles from the tail's first open time, append, keep N. */
function advanceLatest(counter?: { calls: number }) {
  return (value: CandleColumns, head: SeriesHead): CandleColumns | undefined => {
    if (counter) counter.calls++;
    const tail = objects(head.tail);
    if (!tail.length) return value;
    const kept = objects(value).filter((c) => c.time < tail[0]!.time);
    const last = kept.at(-1);
    if (last && tail[0]!.time > last.time + WIDTH) return undefined; // more than K candles appended since: a gap
    return columns([...kept, ...tail].slice(-N));
  };
}

function options(counter?: { calls: number }): GetOrLoadOptions<CandleColumns> {
  return { codec: candleCodec, ttlSeconds: 60, advance: advanceLatest(counter) };
}

const keyOf = (series: SeriesRef, window = 'latest') => ({ kind: 'candles', series, window }) as const;

function same(a: CandleColumns, b: CandleColumns): boolean {
  return JSON.stringify(objects(a)) === JSON.stringify(objects(b));
}

describe('series head', () => {
  it('never goes backwards: out-of-order advanceHead calls keep the newest rev and its tail', async () => {
    const db = new FakeSeries({ symbol: 'HEADORDER', interval: '1m' }, 1);
    const heads: SeriesHead[] = [];
    for (let i = 0; i < 60; i++) heads.push(db.write());
    expect(await cache.advanceHead(db.ref, heads[4]!)).toBe('stored');
    expect(await cache.advanceHead(db.ref, heads[2]!)).toBe('ignored');
    expect(await cache.advanceHead(db.ref, heads[4]!)).toBe('ignored');
    expect((await cache.readHead(db.ref))!.rev).toBe(5);
    // The rest, all at once, in a scrambled order (as callers in several processes would arrive).
    const scrambled = heads.slice(5).sort((a, b) => ((a.rev * 7919) % 61) - ((b.rev * 7919) % 61));
    const results = await Promise.all(scrambled.map((head) => cache.advanceHead(db.ref, head)));
    expect(results.every((r) => r === 'stored' || r === 'ignored')).toBe(true);
    const stored = await cache.readHead(db.ref);
    expect(stored!.rev).toBe(60);
    expect(same(stored!.tail, heads[59]!.tail)).toBe(true);
    expect((await cache.readVersion(db.ref))!.headRev).toBe(60);
  });

  it('refuses revs and tails the design does not allow', async () => {
    const ref = { symbol: 'HEADBAD', interval: '1m' } as const;
    const tail = columns(randomWalkCandles(3));
    await expect(cache.advanceHead(ref, { rev: 0, tail })).rejects.toBeInstanceOf(CacheConfigError);
    await expect(cache.advanceHead(ref, { rev: 1.5, tail })).rejects.toBeInstanceOf(CacheConfigError);
    await expect(cache.advanceHead(ref, { rev: 1, tail: { ...tail, close: new Float64Array(2) } })).rejects.toThrow(/column "close"/);
    await expect(cache.advanceHead({ symbol: '', interval: '1m' }, { rev: 1, tail })).rejects.toBeInstanceOf(CacheConfigError);
    expect(await cache.readHead(ref)).toBeUndefined();
  });
});

describe('getOrLoad with advance', () => {
  it('N concurrent readers of a value behind the head run one advance; later readers, here or in another process, none', async () => {
    const db = new FakeSeries({ symbol: 'ADVONCE', interval: '1m' }, 2);
    await db.ingest();
    let loads = 0;
    const load = async () => {
      loads++;
      return db.latest();
    };
    const counter = { calls: 0 };
    expect((await cache.getOrLoad(keyOf(db.ref), load, options(counter))).status).toBe('miss');
    await db.ingest(); // rev 2: the candle list grew by one
    const before = await cache.stats();
    const first = await Promise.all(Array.from({ length: 100 }, () => cache.getOrLoad(keyOf(db.ref), load, options(counter))));
    expect(counter.calls).toBe(1);
    expect(loads).toBe(1);
    for (const r of first) {
      expect(r.status).toBe('hit');
      expect(same(r.value, db.latest())).toBe(true);
      expect(r.version?.headRev).toBe(2);
    }
    // Every caller gets its own copy.
    expect(first[0]!.value).not.toBe(first[1]!.value);
    const after = await cache.stats();
    expect(after.advanced - before.advanced).toBe(100);
    expect(after.hits - before.hits).toBe(100);
    expect(await registry.metrics()).toMatch(/wick_cache_events_total\{event="advanced"\} 100\b/);
    // The advanced value was written back: later waves and another process read it as is.
    for (let wave = 0; wave < 3; wave++) {
      const rs = await Promise.all(Array.from({ length: 20 }, () => cache.getOrLoad(keyOf(db.ref), load, options(counter))));
      expect(rs.every((r) => r.status === 'hit' && same(r.value, db.latest()))).toBe(true);
    }
    const other = await createCache({ nodes: SHARED_NODES, prefix, requestTimeoutMs: 500 });
    const otherCounter = { calls: 0 };
    const r = await other.getOrLoad(keyOf(db.ref), load, options(otherCounter));
    await other.close();
    expect(r.status).toBe('hit');
    expect(same(r.value, db.latest())).toBe(true);
    expect(otherCounter.calls).toBe(0);
    expect(counter.calls).toBe(1);
    expect(loads).toBe(1);
  });

  it('a value loaded while the head moved is stored at the older rev and advanced by the next reader', async () => {
    const db = new FakeSeries({ symbol: 'ADVRACE', interval: '1m' }, 3);
    await db.ingest();
    const loading = deferred();
    const release = deferred();
    const slowLoad = async () => {
      const snapshot = db.latest(); // the query ran before the write below committed
      loading.resolve();
      await release.promise;
      return snapshot;
    };
    const counter = { calls: 0 };
    const slow = cache.getOrLoad(keyOf(db.ref), slowLoad, options(counter));
    await loading.promise;
    const moved = await db.ingest(); // a write lands during the load
    release.resolve();
    const first = await slow;
    expect(first.status).toBe('miss');
    expect(first.version?.headRev).toBe(1); // stored with the head rev read before the load
    expect(same(first.value, db.latest())).toBe(false);
    const next = await cache.getOrLoad(
      keyOf(db.ref),
      async () => {
        throw new Error('must be advanced, not loaded');
      },
      options(counter),
    );
    expect(next.status).toBe('hit');
    expect(next.version?.headRev).toBe(moved.rev);
    expect(same(next.value, db.latest())).toBe(true);
    expect(counter.calls).toBe(1);
  });

  it('a generation bump beats advance: the next read loads', async () => {
    const db = new FakeSeries({ symbol: 'ADVGEN', interval: '1m' }, 4);
    await db.ingest();
    let loads = 0;
    const load = async () => {
      loads++;
      return db.latest();
    };
    const counter = { calls: 0 };
    await cache.getOrLoad(keyOf(db.ref), load, options(counter));
    await db.ingest();
    await cache.invalidateSeries(db.ref); // e.g. a correction came with it
    const r = await cache.getOrLoad(keyOf(db.ref), load, options(counter));
    expect(r.status).toBe('miss');
    expect(same(r.value, db.latest())).toBe(true);
    expect(counter.calls).toBe(0);
    expect(loads).toBe(2);
  });

  it('a bump while an advance runs: its caller gets the advanced value, the next reader loads', async () => {
    const db = new FakeSeries({ symbol: 'ADVGENRACE', interval: '1m' }, 5);
    await db.ingest();
    await cache.getOrLoad(keyOf(db.ref), async () => db.latest(), options());
    await db.ingest();
    let bumped: Promise<void> | undefined;
    const bumpWhileAdvancing = (value: CandleColumns, head: SeriesHead) => {
      bumped = cache.invalidateSeries(db.ref); // a correction lands while this reader advances
      return advanceLatest()(value, head);
    };
    const r = await cache.getOrLoad(keyOf(db.ref), async () => db.latest(), { ...options(), advance: bumpWhileAdvancing });
    await bumped;
    expect(r.status).toBe('hit');
    expect(same(r.value, db.latest())).toBe(true);
    // Whichever reached Valkey first, the bump or the write-back, nobody is served across the bump.
    let loads = 0;
    const counter = { calls: 0 };
    const again = await cache.getOrLoad(
      keyOf(db.ref),
      async () => {
        loads++;
        return db.latest();
      },
      options(counter),
    );
    expect(again.status).toBe('miss');
    expect(loads).toBe(1);
    expect(counter.calls).toBe(0);
  });

  it('the write-back script lands only on the same generation and only over an older head rev', async () => {
    const rk = kb.resolve(keyOf({ symbol: 'ADVSCRIPT', interval: '1m' }));
    await cache.getOrLoad(keyOf({ symbol: 'ADVSCRIPT', interval: '1m' }), async () => columns(randomWalkCandles(2)), options());
    const gen = String(await raw.get(rk.genKey));
    const attempt = (atGen: string, headRev: number) =>
      raw.invokeScript(ADVANCE_WRITE, {
        keys: [rk.genKey, rk.valueKey],
        args: [wrap(Buffer.from('x'), atGen, headRev, 0, 0), '60000', atGen, String(headRev).padStart(20, '0'), envelopePrefix(atGen)],
      });
    expect(await attempt(gen, 0)).toBe(0); // stored at rev 0 already: not older
    expect(await attempt(String(BigInt(gen) + 1n), 5)).toBe(0); // another generation
    expect(await attempt(gen, 5)).toBe(1);
    expect(await attempt(gen, 5)).toBe(0); // someone was first
    expect(await attempt(gen, 4)).toBe(0);
    expect(await attempt(gen, 10)).toBe(1);
  });

  it('an advance that declines is a miss: the loader runs once, and the value is stored at the current head', async () => {
    const db = new FakeSeries({ symbol: 'ADVNO', interval: '1m' }, 6);
    await db.ingest();
    let loads = 0;
    const load = async () => {
      loads++;
      return db.latest();
    };
    await cache.getOrLoad(keyOf(db.ref), load, options());
    await db.ingest();
    const counter = { calls: 0 };
    const decline = () => {
      counter.calls++;
      return undefined;
    };
    const before = await cache.stats();
    const rs = await Promise.all(
      Array.from({ length: 30 }, () => cache.getOrLoad(keyOf(db.ref), load, { ...options(), advance: decline })),
    );
    expect(rs.every((r) => r.status === 'miss' && same(r.value, db.latest()))).toBe(true);
    expect(counter.calls).toBe(1);
    expect(loads).toBe(2);
    expect((await cache.stats()).advanceDeclined - before.advanceDeclined).toBe(1);
    const next = await cache.getOrLoad(keyOf(db.ref), load, { ...options(), advance: decline });
    expect(next).toMatchObject({ status: 'hit', version: { headRev: 2 } });
    expect(counter.calls).toBe(1);
  });

  it('more than K candles appended since the value was stored: advance declines (a gap), the loader answers', async () => {
    const db = new FakeSeries({ symbol: 'ADVGAP', interval: '1m' }, 7);
    await db.ingest();
    await cache.getOrLoad(keyOf(db.ref), async () => db.latest(), options());
    for (let i = 0; i < 2 * K + 2; i++) await db.ingest();
    const r = await cache.getOrLoad(keyOf(db.ref), async () => db.latest(), options());
    expect(r.status).toBe('miss');
    expect(same(r.value, db.latest())).toBe(true);
  });

  it('a reader right after advanceHead returns never gets the old value (150 writes, readers running throughout)', async () => {
    const db = new FakeSeries({ symbol: 'ADVSEQ', interval: '1m' }, 8);
    await db.ingest();
    const load = async () => db.latest();
    let stop = false;
    let backgroundReads = 0;
    const background = async () => {
      while (!stop) {
        await cache.getOrLoad(keyOf(db.ref), load, options());
        backgroundReads++;
      }
    };
    const readers = Array.from({ length: 6 }, background);
    let violations = 0;
    let advancedAnswers = 0;
    for (let i = 0; i < 150; i++) {
      if (i % 50 === 49) {
        db.write();
        await cache.invalidateSeries(db.ref); // now and then a non-tail write
        await cache.advanceHead(db.ref, db.head());
      } else await db.ingest();
      const r = await cache.getOrLoad(keyOf(db.ref), load, options());
      if (!same(r.value, db.latest()) || r.version?.headRev !== db.rev) violations++;
      if (r.status === 'hit') advancedAnswers++;
    }
    stop = true;
    await Promise.all(readers);
    expect(violations).toBe(0);
    expect(backgroundReads).toBeGreaterThan(0);
    expect(advancedAnswers).toBeGreaterThan(0); // most answers were advanced, not reloaded
  });

  it('without advance the head is not consulted: only the generation and the TTL retire a value', async () => {
    const db = new FakeSeries({ symbol: 'ADVNONE', interval: '1m' }, 9);
    await db.ingest();
    const stale = db.latest();
    await cache.getOrLoad(keyOf(db.ref), async () => stale, { codec: candleCodec, ttlSeconds: 60 });
    await db.ingest();
    const r = await cache.getOrLoad(keyOf(db.ref), async () => db.latest(), { codec: candleCodec, ttlSeconds: 60 });
    expect(r.status).toBe('hit');
    expect(same(r.value, stale)).toBe(true);
    expect(r.version).toEqual({ gen: String(await raw.get(kb.genKey(db.ref))), headRev: 1 });
  });

  it('`global` keys have no head: advance never runs for them', async () => {
    const key = { kind: 'global', namespace: 'advglobal', id: 'x' } as const;
    const counter = { calls: 0 };
    const advance = () => {
      counter.calls++;
      return 0;
    };
    const num = jsonCodec<number>();
    expect(kb.resolve(key).headKey).toBeUndefined();
    await cache.getOrLoad(key, async () => 1, { codec: num, ttlSeconds: 60, advance });
    const r = await cache.getOrLoad(key, async () => 2, { codec: num, ttlSeconds: 60, advance });
    expect(r).toMatchObject({ status: 'hit', value: 1, version: { headRev: 0 } });
    expect(counter.calls).toBe(0);
  });

  it('a lost head (evicted, cleared) cannot vouch for a value stored at a rev: it is loaded anew', async () => {
    const db = new FakeSeries({ symbol: 'ADVLOST', interval: '1m' }, 10);
    await db.ingest();
    await cache.getOrLoad(keyOf(db.ref), async () => db.latest(), options());
    await raw.del([kb.resolve(keyOf(db.ref)).headKey!]);
    let loads = 0;
    const load = async () => {
      loads++;
      return db.latest();
    };
    expect(await cache.getOrLoad(keyOf(db.ref), load, options())).toMatchObject({ status: 'miss', version: { headRev: 0 } });
    expect(await cache.getOrLoad(keyOf(db.ref), load, options())).toMatchObject({ status: 'hit', version: { headRev: 0 } });
    expect(loads).toBe(1);
  });

  it('a value of the previous envelope version is a miss, never garbage', async () => {
    const ref = { symbol: 'ADVOLDFMT', interval: '1m' } as const;
    const rk = kb.resolve(keyOf(ref));
    await cache.getOrLoad(keyOf(ref), async () => columns(randomWalkCandles(3)), options());
    const stored = (await raw.get(rk.valueKey, { decoder: Decoder.Bytes })) as Buffer;
    stored[2] = 2;
    await raw.set(rk.valueKey, stored);
    let loads = 0;
    const r = await cache.getOrLoad(
      keyOf(ref),
      async () => {
        loads++;
        return columns(randomWalkCandles(5));
      },
      options(),
    );
    expect(r.status).toBe('miss');
    expect(r.value.time.length).toBe(5);
    expect(loads).toBe(1);
  });

  it('versions: what an answer was served at, and readVersion in one MGET', async () => {
    const db = new FakeSeries({ symbol: 'ADVVER', interval: '1m' }, 11);
    expect(await cache.readVersion(db.ref)).toEqual({ gen: '0', headRev: 0 });
    await db.ingest();
    const miss = await cache.getOrLoad(keyOf(db.ref), async () => db.latest(), options());
    const current = await cache.readVersion(db.ref);
    expect(miss.version).toEqual(current);
    expect(current!.headRev).toBe(1);
    await db.ingest();
    expect(await cache.readVersion(db.ref)).toEqual({ gen: current!.gen, headRev: 2 });
    const advanced = await cache.getOrLoad(keyOf(db.ref), async () => db.latest(), options());
    expect(advanced.version).toEqual({ gen: current!.gen, headRev: 2 });
    await cache.invalidateSeries(db.ref);
    const bumped = await cache.readVersion(db.ref);
    expect(bumped!.gen).not.toBe(current!.gen);
    expect(bumped!.headRev).toBe(2);
  });
});

describe('when Valkey cannot take a head', () => {
  it('advanceHead invalidates the series instead, and this process bypasses it until that lands', async () => {
    // Nothing listens on port 1: the cache starts with its breaker open.
    const down = await createCache({ nodes: [{ host: '127.0.0.1', port: 1 }], connectTimeoutMs: 50 });
    const ref = { symbol: 'ADVDOWN', interval: '1m' } as const;
    expect(await down.advanceHead(ref, { rev: 1, tail: columns(randomWalkCandles(2)) })).toBe('invalidated');
    const r = await down.getOrLoad(keyOf(ref), async () => columns(randomWalkCandles(2)), options());
    expect(r).toMatchObject({ status: 'bypass', version: null });
    expect(await down.readHead(ref)).toBeUndefined();
    expect(await down.readVersion(ref)).toBeUndefined();
    await down.close();
  });
});
