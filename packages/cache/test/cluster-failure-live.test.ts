// The live bus through a primary failover, on a PRIVATE cluster (never the shared 7000-7005 one):
// publish continuously, kill -9 the primary that owns the channels, and check that the subscription
// comes back by itself and that a subscriber that replays its gaps ends with every event of the
// stream exactly once, in order. Run under `flock /tmp/wick-itest.lock`. Leaves the cluster stopped.
// Assertions are on ids, counts and order, never on time.
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { Decoder, GlideClusterClient, InfBoundary } from '@valkey/valkey-glide';
import { randomWalk } from '@wick/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { compareStreamIds, createCache, type LiveChannel, type LiveGap, type LiveMessage, type WickCache } from '../src/index.ts';
import { KeyBuilder } from '../src/keys.ts';
import { resolveChannel } from '../src/live-channel.ts';
import { eventually, testPrefix } from './helpers.ts';
import { privateCluster, REPO_ROOT } from './private-cluster.ts';

const cluster = privateCluster(Number(process.env.CACHE_LIVE_TEST_PORT_BASE ?? 7160));
const { base: BASE, nodes } = cluster;
const services = cluster.services;
const prefix = testPrefix('livefail');
const kb = new KeyBuilder(prefix);
const opened: WickCache[] = [];

afterAll(async () => {
  for (const cache of opened) await cache.close();
  services('valkey-down');
}, 60_000);

/**
 * A subscriber as the API will write one: emits each event once, in stream order. On a gap it
 * buffers live messages, replays from the last id it emitted, then flushes the buffer; anything not
 * newer than its last id is a duplicate and dropped.
 */
class ReplayingSubscriber {
  readonly emitted: { id: string; via: 'live' | 'replay' }[] = [];
  readonly gaps: LiveGap[] = [];
  resyncs = 0;
  private lastId: string | undefined;
  private buffer: LiveMessage<unknown>[] | null = null;
  private repairing: Promise<void> | null = null;
  private again = false;

  constructor(
    private readonly cache: WickCache,
    readonly channel: LiveChannel,
  ) {}

  async start(): Promise<void> {
    const sub = await this.cache.subscribe(this.channel, (message: LiveMessage<unknown>) => this.onMessage(message), {
      onGap: (gap) => this.onGap(gap),
    });
    expect(sub.established).toBe(true);
  }

  /** Catch up with whatever the stream holds beyond the last emitted id. */
  catchUp(): Promise<void> {
    return this.repair();
  }

  private onMessage(message: LiveMessage<unknown>): void {
    if (this.buffer) this.buffer.push(message);
    else this.emit(message.id, 'live');
  }

  private onGap(gap: LiveGap): void {
    this.gaps.push(gap);
    void this.repair();
  }

  private repair(): Promise<void> {
    if (this.repairing) {
      this.again = true;
      return this.repairing;
    }
    this.buffer = [];
    this.repairing = (async () => {
      do {
        this.again = false;
        await this.replayFromLast();
      } while (this.again);
      const buffered = this.buffer ?? [];
      this.buffer = null;
      for (const message of buffered) this.emit(message.id, 'live');
      this.repairing = null;
    })();
    return this.repairing;
  }

  private async replayFromLast(): Promise<void> {
    for (let attempt = 0; attempt < 400; attempt++) {
      const page = await this.cache.replay(this.channel, this.lastId, 1000);
      if (!page) {
        await sleep(50); // Valkey not answering yet: try again
        continue;
      }
      if (page.missed) this.resyncs++;
      for (const entry of page.entries) this.emit(entry.id, 'replay');
      if (!page.more) return;
    }
    throw new Error('replay never answered');
  }

  private emit(id: string, via: 'live' | 'replay'): void {
    if (this.lastId !== undefined && compareStreamIds(id, this.lastId) <= 0) return;
    this.emitted.push({ id, via });
    this.lastId = id;
  }
}

describe('live bus under failover (private cluster)', () => {
  it('kill -9 of the primary owning two channels while publishing: subscriptions come back, replay closes the gap, every event once', async () => {
    services('valkey-down');
    services('valkey-up');
    await eventually(cluster.replicasSynced, 120, 250);
    // Streams long enough to hold everything this test publishes, so nothing is trimmed before it is checked.
    const longStreams = { seriesStreamLength: 100_000, globalStreamLength: 100_000 };
    const publisher = await createCache({ nodes, prefix, requestTimeoutMs: 200, breaker: { openMs: 200 }, live: longStreams });
    const subscriber = await createCache({ nodes, prefix, requestTimeoutMs: 200, breaker: { openMs: 200 } });
    opened.push(publisher, subscriber);

    // Two channels (one global, one series) whose slot the primary on BASE owns.
    const raw = await GlideClusterClient.createClient({ addresses: nodes, requestTimeout: 1000 });
    const me = String(await raw.customCommand(['CLUSTER', 'NODES'], { route: { type: 'routeByAddress', host: '127.0.0.1', port: BASE } }))
      .split('\n')
      .find((line) => line.includes('myself'))!;
    expect(me).toContain('master');
    const [lo, hi] = me.trim().split(' ').at(-1)!.split('-').map(Number) as [number, number];
    const onVictim = async (channel: LiveChannel): Promise<boolean> => {
      const slot = Number(await raw.customCommand(['CLUSTER', 'KEYSLOT', resolveChannel(kb, channel).name]));
      return slot >= lo && slot <= hi;
    };
    let globalChannel: LiveChannel | undefined;
    let seriesChannel: LiveChannel | undefined;
    for (let i = 0; !(globalChannel && seriesChannel); i++) {
      const g: LiveChannel = { kind: 'global', name: `liq${i}` };
      const s: LiveChannel = { kind: 'series', series: { symbol: `FAIL${i}`, interval: '1m' } };
      if (!globalChannel && (await onVictim(g))) globalChannel = g;
      if (!seriesChannel && (await onVictim(s))) seriesChannel = s;
    }
    const subscribers = [new ReplayingSubscriber(subscriber, globalChannel!), new ReplayingSubscriber(subscriber, seriesChannel!)];
    for (const s of subscribers) await s.start();

    // Publish continuously: ids the publisher was given, and whether the kill had happened yet.
    const acked = new Map<LiveChannel, { id: string; afterKill: boolean }[]>(subscribers.map((s) => [s.channel, []]));
    let killed = false;
    let stop = false;
    let failedPublishes = 0;
    const publishing = (async () => {
      for (let n = 1; !stop; n++) {
        for (const { channel } of subscribers) {
          const afterKill = killed;
          const id =
            channel.kind === 'global'
              ? await publisher.publishGlobal(channel.name, { n })
              : await publisher.publishSeries(channel.series, { rev: n, tail: randomWalk(4, { seed: n }), tailOnly: true });
          if (id) acked.get(channel)!.push({ id, afterKill });
          else failedPublishes++;
        }
        await sleep(5);
      }
    })();

    await eventually(() => subscribers.every((s) => s.emitted.length >= 30), 200);
    const pid = Number(readFileSync(`${REPO_ROOT}.services/valkey/${BASE}/valkey.pid`, 'utf8'));
    process.kill(pid, 'SIGKILL');
    killed = true;
    // Recovered: events published after the kill (through the promoted replica) reach each subscriber
    // live again. A gap is not required: when no event was missed (every publish during the failover
    // was refused, and the subscription was back before the next one) there is nothing to report, and
    // the checks below prove that nothing was lost either way.
    const liveAfterKill = (s: ReplayingSubscriber) => {
      const after = new Set(
        acked
          .get(s.channel)!
          .filter((a) => a.afterKill)
          .map((a) => a.id),
      );
      return s.emitted.filter((e) => e.via === 'live' && after.has(e.id)).length;
    };
    try {
      await eventually(
        () => subscribers.every((s) => liveAfterKill(s) >= 30),
        600,
        50,
        () =>
          subscribers
            .map(
              (s) =>
                `${s.channel.kind}: ${liveAfterKill(s)} live after the kill, ${s.emitted.length} emitted, gaps [${s.gaps.map((g) => g.reason)}]`,
            )
            .join('; ') + `; ${failedPublishes} publishes refused`,
      );
    } finally {
      stop = true;
      await publishing;
    }
    for (const s of subscribers) await s.catchUp();

    for (const s of subscribers) {
      const streamKey = resolveChannel(kb, s.channel).streamKey;
      const entries = await raw.xrange(streamKey, InfBoundary.NegativeInfinity, InfBoundary.PositiveInfinity, { decoder: Decoder.Bytes });
      const inStream = Object.keys(entries ?? {}).sort(compareStreamIds);
      const emitted = s.emitted.map((e) => e.id);
      const ackedIds = acked.get(s.channel)!;
      // Acknowledged by the old primary, emitted live, but never replicated before the kill: the
      // stream lost them. Valkey replicates asynchronously; these can only predate the kill.
      const streamSet = new Set(inStream);
      const vanished = emitted.filter((id) => !streamSet.has(id));
      const ackedBeforeKill = new Set(ackedIds.filter((a) => !a.afterKill).map((a) => a.id));
      expect(vanished.every((id) => ackedBeforeKill.has(id))).toBe(true);
      // Every event of the stream exactly once, in stream order, nothing else.
      expect(emitted.filter((id) => streamSet.has(id))).toEqual(inStream);
      expect(new Set(emitted).size).toBe(emitted.length);
      // Every event acknowledged after the kill is in the stream (the promoted replica took it).
      expect(ackedIds.filter((a) => a.afterKill).every((a) => streamSet.has(a.id))).toBe(true);
      expect(s.resyncs).toBe(0);
      const viaReplay = s.emitted.filter((e) => e.via === 'replay').length;
      console.log(
        `[live failover] ${s.channel.kind}: ${inStream.length} events in the stream, all emitted once; ${viaReplay} recovered by replay; ` +
          `gaps ${s.gaps.map((g) => g.reason).join(',')}; ${vanished.length} lost by the failover; ${failedPublishes} publishes refused during it`,
      );
    }
    // The subscriptions are back (by glide itself or on a replaced connection): still one upstream
    // subscription per channel.
    const { live } = await subscriber.stats();
    console.log(`[live failover] pub/sub connection replaced ${live.reconnects} time(s); ${live.gaps} gap(s) reported`);
    expect(live.upstreamSubscriptions).toBe(2);
    for (const s of subscribers) {
      const subs = await raw.pubsubShardNumSub([resolveChannel(kb, s.channel).name]);
      expect(subs.reduce((sum, entry) => sum + entry.numSub, 0)).toBe(1);
    }
    raw.close();
  }, 180_000);
});
