// The fast path's pure parts: canonical keys, cutting and reassembling stored bytes (raw and spliced
// gzip), HTTP header rules, version order, the version tap's verdicts (series and namespaces), and
// the procedures' rules for what a namespace-keyed answer depends on and when it may be kept.
import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FAST_PROCEDURES } from '@wick/api';
import type { Cached, CacheKey, CacheVersion, WickCache } from '@wick/cache';
import { canonicalJson } from '../src/fast-path/canonical.ts';
import { assemble, cutSlots, makeEntry } from '../src/fast-path/entry.ts';
import { acceptsGzip, notModified } from '../src/fast-path/http-cache.ts';
import { atLeast, namespaceId, seriesId, sourceId, type VersionSource } from '../src/fast-path/version.ts';
import { VersionReads } from '../src/fast-path/version-reads.ts';
import { VersionTap } from '../src/fast-path/version-tap.ts';

const join = (parts: Buffer[]) => Buffer.concat(parts).toString('utf8');

describe('canonicalJson', () => {
  it('is independent of key order at every depth, keeps array order, drops undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, 1], c: 'x' }, u: undefined })).toBe(canonicalJson({ a: { c: 'x', d: [2, 1] }, b: 1 }));
    expect(canonicalJson({ a: [1, 2] })).not.toBe(canonicalJson({ a: [2, 1] }));
    expect(canonicalJson({ a: '1' })).not.toBe(canonicalJson({ a: 1 }));
  });
});

const answerArb = fc
  .array(
    fc.record({
      name: fc.string({ maxLength: 8 }),
      values: fc.array(fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constant(null)), { maxLength: 300 }),
      status: fc.constantFrom('hit', 'miss'),
      ageMs: fc.nat(10_000_000),
    }),
    { minLength: 0, maxLength: 4 },
  )
  .map((items) => ({
    result: {
      data: { json: { items: items.map((i) => ({ name: i.name, values: i.values, cache: { status: i.status, ageMs: i.ageMs } })) } },
    },
  }));

describe('stored bytes', () => {
  it('cut and reassembled, a body is the original with every slot saying hit and its age at serve time; gzip decodes to the same', () => {
    fc.assert(
      fc.property(fc.array(answerArb, { minLength: 1, maxLength: 3 }), fc.boolean(), fc.nat(100_000), (answers, batch, later) => {
        if (!batch) answers = answers.slice(0, 1);
        const captureAt = 1_700_000_000_000;
        const entries = answers.map((a) => {
          const cut = cutSlots(Buffer.from(JSON.stringify(a)))!;
          expect(cut.statuses.length).toBe(a.result.data.json.items.length);
          return makeEntry(
            cut,
            cut.ages.map((age) => captureAt - age),
            Infinity,
            'k',
            'W/"k"',
          );
        });
        const now = captureAt + later;
        const expected = answers.map((a) => {
          const copy = structuredClone(a);
          for (const item of copy.result.data.json.items) item.cache = { status: 'hit', ageMs: item.cache.ageMs + later };
          return JSON.stringify(copy);
        });
        const body = assemble(entries, batch, now, true);
        const want = batch ? `[${expected.join(',')}]` : expected[0]!;
        expect(join(body.raw)).toBe(want);
        if (body.gzip) expect(gunzipSync(Buffer.concat(body.gzip)).toString('utf8')).toBe(want);
        else expect(entries.every((e) => e.gz === null)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('refuses a cache object of another shape', () => {
    expect(cutSlots(Buffer.from('{"cache":{"status":"hit","ageMs":"12"}}'))).toBeNull();
    expect(cutSlots(Buffer.from('{"cache":{"status":"hit","age":12}}'))).toBeNull();
    expect(cutSlots(Buffer.from('{"cache":{"status":"hit","ageMs":12,"x":1}}'))).toBeNull();
    expect(cutSlots(Buffer.from('{"other":1}'))!.fixed.length).toBe(1);
  });
});

describe('HTTP rules', () => {
  it('If-None-Match: weak comparison over a list, and *', () => {
    const etag = 'W/"abc"';
    expect(notModified({ 'if-none-match': 'W/"abc"' }, etag)).toBe(true);
    expect(notModified({ 'if-none-match': '"x", "abc"' }, etag)).toBe(true);
    expect(notModified({ 'if-none-match': '*' }, etag)).toBe(true);
    expect(notModified({ 'if-none-match': '"abcd"' }, etag)).toBe(false);
    expect(notModified({}, etag)).toBe(false);
  });
  it('Accept-Encoding: gzip unless refused with q=0', () => {
    expect(acceptsGzip({ 'accept-encoding': 'gzip, deflate, br' })).toBe(true);
    expect(acceptsGzip({ 'accept-encoding': 'br;q=1, GZIP;q=0.5' })).toBe(true);
    expect(acceptsGzip({ 'accept-encoding': 'gzip;q=0' })).toBe(false);
    expect(acceptsGzip({ 'accept-encoding': 'identity' })).toBe(false);
    expect(acceptsGzip({})).toBe(false);
  });
});

describe('versions', () => {
  it('a newer generation or the same one with a head rev not older is at least the base', () => {
    const base = { gen: '1700000000000', headRev: 5 };
    expect(atLeast({ gen: '1700000000000', headRev: 5 }, base)).toBe(true);
    expect(atLeast({ gen: '1700000000000', headRev: 6 }, base)).toBe(true);
    expect(atLeast({ gen: '1700000000000', headRev: 4 }, base)).toBe(false);
    expect(atLeast({ gen: '1700000000001', headRev: 0 }, base)).toBe(true);
    expect(atLeast({ gen: '999999999999', headRev: 99 }, base)).toBe(false);
    expect(atLeast({ gen: '1700000000000', headRev: 9 }, { gen: '0', headRev: 0 })).toBe(true);
  });

  it('the tap spoils a watch when a read of its series answers older, bypassed, stale or failed; other series and global keys do not', async () => {
    const answers: (Cached<number> | Error)[] = [];
    const stub = {
      getOrLoad: async () => {
        const next = answers.shift()!;
        if (next instanceof Error) throw next;
        return next;
      },
      ttlFor: () => 1,
    } as unknown as WickCache;
    const tap = new VersionTap();
    const cache = tap.wrap(stub);
    const series: CacheKey = { kind: 'candles', series: { symbol: 'BTCUSDT', interval: '1m' }, window: 'w' };
    const other: CacheKey = { kind: 'candles', series: { symbol: 'ETHUSDT', interval: '1m' }, window: 'w' };
    const global: CacheKey = { kind: 'global', namespace: 'symbols', id: 'all' };
    const v0: CacheVersion = { gen: '100', headRev: 3 };
    const at = (version: CacheVersion | null, status: Cached<number>['status'] = 'hit'): Cached<number> => ({
      value: 1,
      status,
      ageMs: 0,
      version,
    });
    const run = async (key: CacheKey, answer: Cached<number> | Error) => {
      answers.push(answer);
      await cache.getOrLoad(key, async () => 1, { codec: undefined as never, ttlSeconds: 1 }).catch(() => undefined);
    };
    const verdict = async (key: CacheKey, answer: Cached<number> | Error) => {
      const w = tap.watch(new Map([['BTCUSDT:1m', v0]]));
      await run(key, answer);
      return w.done();
    };
    expect(await verdict(series, at({ gen: '100', headRev: 3 }))).toBe(true);
    expect(await verdict(series, at({ gen: '100', headRev: 4 }, 'miss'))).toBe(true);
    expect(await verdict(series, at({ gen: '100', headRev: 2 }))).toBe(false);
    expect(await verdict(series, at(null, 'bypass'))).toBe(false);
    expect(await verdict(series, at({ gen: '100', headRev: 3 }, 'stale'))).toBe(false);
    expect(await verdict(series, new Error('valkey'))).toBe(false);
    expect(await verdict(other, at({ gen: '1', headRev: 0 }))).toBe(true);
    expect(await verdict(global, at(null, 'bypass'))).toBe(true);
    // Unwatched reads pass straight through; other members are the cache's own.
    await run(series, at({ gen: '1', headRev: 0 }));
    expect(cache.ttlFor('1m', { toMs: 0 })).toBe(1);
  });
});

describe('coalesced version reads', () => {
  it('reads asked for in one turn share one read sent after all of them; a later one never joins a read already sent', async () => {
    const sent: { seq: number; resolve: (v: CacheVersion) => void }[] = [];
    let asked = 0;
    const reads = new VersionReads(() => new Promise<CacheVersion>((resolve) => sent.push({ seq: asked, resolve })));
    const series: VersionSource = { kind: 'series', series: { symbol: 'BTCUSDT', interval: '1m' } };
    const ask = () => {
      asked++;
      return reads.read(sourceId(series), series);
    };
    const first = ask(); // nothing in flight: sent at once
    expect(sent).toHaveLength(1);
    const second = ask();
    const third = ask();
    expect(sent).toHaveLength(1); // not sent yet: waiting for this turn's other requests
    await new Promise((r) => setImmediate(r));
    expect(sent).toHaveLength(2);
    // The shared read was sent after both of its requests asked (it saw asked = 3).
    expect(sent[1]!.seq).toBe(3);
    const fourth = ask(); // after the shared read left: the next one
    await new Promise((r) => setImmediate(r));
    expect(sent).toHaveLength(3);
    expect(sent[2]!.seq).toBe(4);
    sent.forEach((s, i) => s.resolve({ gen: '1', headRev: i }));
    expect((await Promise.all([first, second, third, fourth])).map((v) => v?.headRev)).toEqual([0, 1, 1, 2]);
  });
});

describe('version sources', () => {
  it('a series and a namespace never share an id, and each is read with its own cache call, coalesced by id', async () => {
    // A symbol is letters and digits (upper case after the schema); a namespace id starts with '#'.
    expect(namespaceId('1m')).not.toBe(seriesId({ symbol: 'ns', interval: '1m' }));
    expect(namespaceId('liq-summary.ALL')).not.toBe(namespaceId('liq-summary.BTCUSDT'));
    const asked: VersionSource[] = [];
    const reads = new VersionReads(async (source) => {
      asked.push(source);
      return { gen: source.kind === 'series' ? '10' : '20', headRev: 0 };
    });
    const ns: VersionSource = { kind: 'namespace', namespace: 'symbols' };
    const series: VersionSource = { kind: 'series', series: { symbol: 'BTCUSDT', interval: '1m' } };
    const first = reads.read(sourceId(ns), ns); // sent at once
    const [a, b, c] = await Promise.all([first, reads.read(sourceId(ns), ns), reads.read(sourceId(series), series)]);
    expect([a?.gen, b?.gen, c?.gen]).toEqual(['20', '20', '10']);
    expect(asked.map((s) => s.kind)).toEqual(['namespace', 'namespace', 'series']);
  });

  it('a failed or throwing read is "no version", never an error', async () => {
    const reads = new VersionReads(() => {
      throw new Error('invalid namespace');
    });
    const ns: VersionSource = { kind: 'namespace', namespace: 'x' };
    expect(await reads.read(sourceId(ns), ns)).toBeUndefined();
    const rejecting = new VersionReads(() => Promise.reject(new Error('valkey')));
    expect(await rejecting.read(sourceId(ns), ns)).toBeUndefined();
  });

  it('the tap checks a global key against its watched namespace, as a series key against its series', async () => {
    let answer: Cached<number> = { value: 1, status: 'hit', ageMs: 0, version: null };
    const stub = { getOrLoad: async () => answer } as unknown as WickCache;
    const tap = new VersionTap();
    const cache = tap.wrap(stub);
    const summaries: CacheKey = { kind: 'global', namespace: 'liq-summary.BTCUSDT', id: 'q' };
    const others: CacheKey = { kind: 'global', namespace: 'liq-summary.ALL', id: 'q' };
    const base: CacheVersion = { gen: '1700000000000', headRev: 0 };
    const verdict = async (key: CacheKey, a: Cached<number>) => {
      const w = tap.watch(new Map([[namespaceId('liq-summary.BTCUSDT'), base]]));
      answer = a;
      await cache.getOrLoad(key, async () => 1, { codec: undefined as never, ttlSeconds: 1 });
      return w.done();
    };
    const at = (gen: string | null, status: Cached<number>['status'] = 'hit'): Cached<number> => ({
      value: 1,
      status,
      ageMs: 0,
      version: gen === null ? null : { gen, headRev: 0 },
    });
    expect(await verdict(summaries, at('1700000000000'))).toBe(true);
    expect(await verdict(summaries, at('1700000000001', 'miss'))).toBe(true);
    // A flight that began before a bump another process made answers the older generation: not kept.
    expect(await verdict(summaries, at('1699999999999'))).toBe(false);
    expect(await verdict(summaries, at(null, 'bypass'))).toBe(false);
    expect(await verdict(summaries, at('1700000000000', 'stale'))).toBe(false);
    expect(await verdict(others, at('1'))).toBe(true);
  });
});

describe('namespace-keyed procedures', () => {
  const summary = FAST_PROCEDURES.get('liquidations.summary')!;
  const symbols = FAST_PROCEDURES.get('symbols.list')!;
  const ttl = { ttlFor: () => 1 };
  const MIN = 60_000;
  const data = (to: number) => ({
    symbol: null,
    bucket: '1m',
    from: to - MIN,
    to,
    buckets: [],
    totals: {},
    cache: { status: 'miss', ageMs: 0 },
  });

  it("a summary depends on its symbol's namespace (or ALL's), through the router's own schema", () => {
    const parse = (input: unknown) => summary.input!.parse(input);
    expect(summary.series(parse({ symbol: 'btcusdt', bucket: '1m', from: 1_700_000_000_000, to: 1_700_000_060_000 }))).toEqual([]);
    expect(summary.namespaces(parse({ symbol: 'btcusdt', bucket: '1m', from: 1_700_000_000_000, to: 1_700_000_060_000 }))).toEqual([
      'liq-summary.BTCUSDT',
    ]);
    expect(summary.namespaces(parse({ bucket: '1h', from: 1_700_000_000_000, to: 1_700_000_060_000 }))).toEqual(['liq-summary.ALL']);
    expect(symbols.input).toBeUndefined();
    expect(symbols.namespaces(undefined)).toEqual(['symbols']);
  });

  it('a summary is cacheable only once its range settled, and stored only if it had settled when stored, for the TTL used', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1_600_000_000_000, max: 1_800_000_000_000 }),
        fc.integer({ min: -20 * MIN, max: 20 * MIN }),
        (now, offset) => {
          const to = now - offset;
          const input = { bucket: '1m', from: to - MIN, to };
          const settled = offset > 5 * MIN;
          expect(summary.cacheableAt(input, now)).toBe(settled);
          const expires = summary.expiresAt(input, data(to), now, ttl);
          if (settled) expect(expires).toBe(now + 3600 * 1000);
          else expect(expires).toBeNull();
          // Settled stays settled: time only moves it further from the edge.
          if (settled) expect(summary.cacheableAt(input, now + 1)).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
    const now = 1_700_000_000_000;
    expect(summary.expiresAt({ bucket: '1m', from: 0, to: now - 6 * MIN }, { other: 1 }, now, ttl)).toBeNull();
    expect(summary.cacheFields(data(now))).toBe(1);
  });

  it('the symbol list is kept for its TTL from when it was stored; a reply of another shape is never kept', () => {
    const now = 1_700_000_000_000;
    expect(symbols.cacheableAt(undefined, now)).toBe(true);
    expect(symbols.expiresAt(undefined, { symbols: [], cache: { status: 'hit', ageMs: 5 } }, now, ttl)).toBe(now + 3600 * 1000);
    expect(symbols.expiresAt(undefined, { list: [] }, now, ttl)).toBeNull();
    // The procedures that existed before namespaces depend on none and are always cacheable.
    for (const path of ['indicators.compute', 'indicators.batch', 'candles.range', 'indicators.catalog']) {
      expect(FAST_PROCEDURES.get(path)!.namespaces({})).toEqual([]);
      expect(FAST_PROCEDURES.get(path)!.cacheableAt({}, now)).toBe(true);
    }
  });
});
