// The live bus against the real shared cluster: publish (stream + sharded pub/sub in one script),
// one upstream subscription per channel per process, replay. Two caches stand for two processes.
// No clock: every wait is a bounded number of tries for a condition (helpers.eventually).
import { GlideClusterClient } from '@valkey/valkey-glide';
import { randomWalk } from '@wick/testkit';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CacheConfigError,
  compareStreamIds,
  createCache,
  type LiveGap,
  type LiveMessage,
  type SeriesEvent,
  type WickCache,
} from '../src/index.ts';
import { KeyBuilder } from '../src/keys.ts';
import { resolveChannel } from '../src/live-channel.ts';
import { eventually, SHARED_NODES, testPrefix } from './helpers.ts';

const prefix = testPrefix('live');
const kb = new KeyBuilder(prefix);
const registry = new Registry();
let publisher: WickCache;
let subscriber: WickCache;
let raw: GlideClusterClient;

beforeAll(async () => {
  publisher = await createCache({ nodes: SHARED_NODES, prefix, requestTimeoutMs: 500, live: { globalStreamLength: 10 } });
  subscriber = await createCache({ nodes: SHARED_NODES, prefix, requestTimeoutMs: 500, registry });
  raw = await GlideClusterClient.createClient({ addresses: SHARED_NODES });
});
afterAll(async () => {
  await publisher.clear();
  raw.close();
  await subscriber.close();
  await publisher.close();
});

const series = (symbol: string) => ({ symbol, interval: '1m' }) as const;
const seriesEvent = (rev: number, tailOnly = true): SeriesEvent => ({ rev, tail: randomWalk(32, { seed: rev }), tailOnly });
const shardSubscribers = async (channel: string): Promise<number> =>
  (await raw.pubsubShardNumSub([channel])).reduce((sum, entry) => sum + entry.numSub, 0);

function collect<E>() {
  const messages: LiveMessage<E>[] = [];
  const gaps: LiveGap[] = [];
  return { messages, gaps, onMessage: (m: LiveMessage<E>) => messages.push(m), onGap: (g: LiveGap) => gaps.push(g) };
}

describe('live bus', () => {
  it('a series event reaches a subscriber in another process: the same id the publisher got, the same event', async () => {
    const ref = series('LIVEONE');
    const got = collect<SeriesEvent>();
    const sub = await subscriber.subscribe({ kind: 'series', series: ref }, got.onMessage, { onGap: got.onGap });
    expect(sub.established).toBe(true);
    const ids: string[] = [];
    for (let rev = 1; rev <= 5; rev++) ids.push((await publisher.publishSeries(ref, seriesEvent(rev, rev % 2 === 0)))!);
    await eventually(() => got.messages.length === 5, 100);
    expect(got.messages.map((m) => m.id)).toEqual(ids);
    expect([...ids].sort(compareStreamIds)).toEqual(ids);
    const third = got.messages[2]!.event;
    expect(third.rev).toBe(3);
    expect(third.tailOnly).toBe(false);
    expect(Array.from(third.tail.close)).toEqual(Array.from(seriesEvent(3).tail.close));
    expect(got.gaps).toEqual([]);
    await sub.unsubscribe();
  });

  it('one upstream subscription per channel however many local subscribers; released with the last', async () => {
    const ref = series('LIVEREF');
    const channel = resolveChannel(kb, { kind: 'series', series: ref }).name;
    expect(channel).toBe(`${prefix}:{LIVEREF:1m}:live`);
    const before = (await subscriber.stats()).live;
    const subscribers = Array.from({ length: 5 }, () => collect<SeriesEvent>());
    const subs = await Promise.all(subscribers.map((s) => subscriber.subscribe({ kind: 'series', series: ref }, s.onMessage)));
    expect((await subscriber.stats()).live.upstreamSubscriptions).toBe(before.upstreamSubscriptions + 1);
    expect((await subscriber.stats()).live.localSubscribers).toBe(before.localSubscribers + 5);
    expect(await shardSubscribers(channel)).toBe(1);
    expect(await registry.metrics()).toMatch(/wick_live_upstream_subscriptions 1/);

    await publisher.publishSeries(ref, seriesEvent(1));
    await eventually(() => subscribers.every((s) => s.messages.length === 1), 100);
    const delivered = (await subscriber.stats()).live.delivered - before.delivered;
    expect(delivered).toBe(1); // decoded and handed out once for the five

    for (const sub of subs.slice(0, 4)) await sub.unsubscribe();
    expect(await shardSubscribers(channel)).toBe(1);
    await publisher.publishSeries(ref, seriesEvent(2));
    await eventually(() => subscribers[4]!.messages.length === 2, 100);
    expect(subscribers.slice(0, 4).map((s) => s.messages.length)).toEqual([1, 1, 1, 1]);

    await subs[4]!.unsubscribe();
    expect(await shardSubscribers(channel)).toBe(0);
    expect((await subscriber.stats()).live.upstreamSubscriptions).toBe(before.upstreamSubscriptions);
    expect(await registry.metrics()).toMatch(/wick_live_upstream_subscriptions 0/);
    expect(await registry.metrics()).toMatch(/wick_live_messages_received_total\{outcome="delivered"\} \d+/);
  });

  it('a message this process missed (in the stream, never published to it) is a sequence gap; replay recovers it', async () => {
    const ref = series('LIVEGAP');
    const channel = resolveChannel(kb, { kind: 'series', series: ref });
    const got = collect<SeriesEvent>();
    const sub = await subscriber.subscribe({ kind: 'series', series: ref }, got.onMessage, { onGap: got.onGap });
    const first = (await publisher.publishSeries(ref, seriesEvent(1)))!;
    await eventually(() => got.messages.length === 1, 100);
    // Lost on the way: in the stream, but no subscriber heard of it.
    const lost = String(await raw.xadd(channel.streamKey, [['e', 'not a series event']]));
    const missedEvent = (await publisher.publishSeries(ref, seriesEvent(2)))!;
    const third = (await publisher.publishSeries(ref, seriesEvent(3)))!;
    await eventually(() => got.messages.length === 3, 100);
    expect(got.gaps).toEqual([{ reason: 'sequence', lastId: first }]);
    const replay = (await subscriber.replay({ kind: 'series', series: ref }, first, 100))!;
    // The undecodable entry is left out; the entries are in order; nothing was trimmed.
    expect(replay.entries.map((e) => e.id)).toEqual([missedEvent, third]);
    expect(replay).toMatchObject({ oldestId: first, newestId: third, missed: false, more: false });
    expect(compareStreamIds(lost, missedEvent)).toBeLessThan(0);
    await sub.unsubscribe();
  });

  it('replay: after an id (exclusive, in order, paged), the newest without one, and a resync signal beyond the window', async () => {
    const name = 'liqtest';
    const ids: string[] = [];
    for (let n = 1; n <= 8; n++) ids.push((await publisher.publishGlobal(name, { id: n, symbol: 'BTCUSDT', usd: `${n}.5` }))!);
    const channel = { kind: 'global', name } as const;
    const after3 = (await subscriber.replay(channel, ids[2], 100))!;
    expect(after3.entries.map((e) => e.id)).toEqual(ids.slice(3));
    expect(after3.entries.map((e) => e.event)).toEqual([4, 5, 6, 7, 8].map((n) => ({ id: n, symbol: 'BTCUSDT', usd: `${n}.5` })));
    expect(after3).toMatchObject({ oldestId: ids[0], newestId: ids[7], missed: false, more: false });
    const page = (await subscriber.replay(channel, ids[2], 2))!;
    expect(page.entries.map((e) => e.id)).toEqual(ids.slice(3, 5));
    expect(page.more).toBe(true);
    const newest = (await subscriber.replay(channel, undefined, 3))!;
    expect(newest.entries.map((e) => e.id)).toEqual(ids.slice(5));
    expect(newest.missed).toBe(false);
    expect((await subscriber.replay(channel, ids[7], 10))!.entries).toEqual([]);
    // Older than everything the stream holds: the caller must resync.
    expect((await subscriber.replay(channel, '1-0', 10))!.missed).toBe(true);
    // A channel without a stream (never published, or lost): nothing to replay, and a tracked id is a resync.
    const empty = { kind: 'global', name: 'liqnever' } as const;
    expect(await subscriber.replay(empty, undefined, 10)).toEqual({
      entries: [],
      oldestId: null,
      newestId: null,
      missed: false,
      more: false,
    });
    expect((await subscriber.replay(empty, ids[0], 10))!.missed).toBe(true);
  });

  it('the stream is trimmed to about MAXLEN entries; ids older than what is left ask for a resync', async () => {
    const name = 'liqtrim'; // the publisher's globalStreamLength is 10
    const ids: string[] = [];
    for (let n = 0; n < 400; n++) ids.push((await publisher.publishGlobal(name, n))!);
    const stream = resolveChannel(kb, { kind: 'global', name }).streamKey;
    const length = await raw.xlen(stream);
    expect(length).toBeGreaterThanOrEqual(10);
    expect(length).toBeLessThan(400);
    const channel = { kind: 'global', name } as const;
    expect((await subscriber.replay(channel, ids[0], 10))!.missed).toBe(true);
    const recent = (await subscriber.replay(channel, ids[394], 10))!;
    expect(recent.missed).toBe(false);
    expect(recent.entries.map((e) => e.event)).toEqual([395, 396, 397, 398, 399]);
  });

  it('a global event reaches subscribers as the JSON value published', async () => {
    const got = collect<unknown>();
    const sub = await subscriber.subscribe({ kind: 'global', name: 'liqlive' }, got.onMessage);
    const row = { id: 42, symbol: 'ETHUSDT', side: 'BUY', price: '3000.1000000000', orderTradeTime: 1_700_000_000_000 };
    const id = await publisher.publishGlobal('liqlive', row);
    await eventually(() => got.messages.length === 1, 100);
    expect(got.messages).toEqual([{ id, event: row }]);
    await sub.unsubscribe();
  });

  it('refuses bad channels, events and replay arguments with a named error', async () => {
    const ref = series('LIVEBAD');
    await expect(publisher.publishSeries(ref, { rev: 0, tail: randomWalk(2), tailOnly: true })).rejects.toBeInstanceOf(CacheConfigError);
    await expect(publisher.publishSeries(ref, { rev: 1, tail: randomWalk(2), tailOnly: 'yes' as unknown as boolean })).rejects.toThrow(
      /tailOnly/,
    );
    await expect(publisher.publishSeries({ symbol: '', interval: '1m' }, seriesEvent(1))).rejects.toBeInstanceOf(CacheConfigError);
    await expect(publisher.publishGlobal('', 1)).rejects.toBeInstanceOf(CacheConfigError);
    await expect(publisher.publishGlobal('liq', undefined)).rejects.toBeInstanceOf(CacheConfigError);
    const channel = { kind: 'series', series: ref } as const;
    await expect(subscriber.replay(channel, 'latest', 10)).rejects.toThrow(/stream id/);
    await expect(subscriber.replay(channel, undefined, 0)).rejects.toBeInstanceOf(CacheConfigError);
    await expect(subscriber.replay(channel, undefined, 10_001)).rejects.toBeInstanceOf(CacheConfigError);
    await expect(subscriber.subscribe({ kind: 'nope' } as never, () => undefined)).rejects.toBeInstanceOf(CacheConfigError);
    // Hostile channel names stay inside the prefix and their own slot.
    const hostile = resolveChannel(kb, { kind: 'global', name: '}{ x:y' });
    expect(hostile.name.startsWith(`${prefix}:{#`)).toBe(true);
    expect(hostile.name.split('{').length).toBe(2);
  });

  it('in normal operation no subscriber was told of a gap it did not have', async () => {
    const { gaps } = (await subscriber.stats()).live;
    expect(gaps).toBe(1); // the one provoked above
  });
});
