// candles.live streams as members of their series' channel, over an in-memory bus so every case is
// exact: one follower and one event object per step however many streams (a writer encodes each
// once), a backed-up stream coalescing without holding the others back, a reader that does not
// pull, a stream resuming after an id (every missed entry once, then in step with the channel).
import type { SeriesEvent } from '@wick/cache';
import { emptyCandleColumns } from '@wick/market';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { CandleSubscriber } from './candle-subscriber.ts';
import { FakeBus } from './fake-bus.ts';
import type { LiveTarget } from './live-feed.ts';
import type { CandleLiveEvent } from './live-events.ts';
import { createLiveHub, type LiveHub, type LiveHubDeps } from './live-hub.ts';

const MINUTE = 60_000;
const series = { symbol: 'BTCUSDT', interval: '1m' as const };

/** The series after write `rev`: minutes 1..rev, close = minute; the tail is its last 8 candles. */
function snapshot(rev: number, tailOnly = true): SeriesEvent {
  const from = Math.max(1, rev - 7);
  const tail = emptyCandleColumns(rev - from + 1);
  for (let m = from; m <= rev; m++) {
    const i = m - from;
    tail.time[i] = m * MINUTE;
    tail.open[i] = m;
    tail.high[i] = m + 1;
    tail.low[i] = m - 1;
    tail.close[i] = m;
    tail.volume[i] = 1;
  }
  return { rev, tail, tailOnly };
}

/** Lets the follower's loop and the streams' loops run (they move on promises and microtasks). */
const settle = () => new Promise((resolve) => setTimeout(resolve, 5));

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 400 && !check(); i++) await settle();
  expect(check(), what).toBe(true);
}

/** A push target that records what it was sent; `backedUpAfter` sends: it reports backed up (write() false). */
class Target implements LiveTarget<CandleLiveEvent> {
  readonly sent: { id: string; event: CandleLiveEvent }[] = [];
  constructor(private readonly backedUpAfter = Infinity) {}
  send(id: string, event: CandleLiveEvent): boolean {
    this.sent.push({ id, event });
    return this.sent.length < this.backedUpAfter;
  }
  get closes(): number[][] {
    return this.sent.map((s) => s.event.candles.close);
  }
}

let hub: LiveHub;
let bus: FakeBus;
const controllers: AbortController[] = [];

function setup(): void {
  bus = new FakeBus();
  hub = createLiveHub({
    source: bus.source(),
    services: {} as unknown as LiveHubDeps['services'],
    log: pino({ level: 'silent' }),
    config: { replayBatch: 3, retryMs: 5, maxStreamsPerClient: 100 },
  });
}

function subscriber(lastEventId?: string): CandleSubscriber {
  const caller = new AbortController();
  controllers.push(caller);
  return new CandleSubscriber(hub, hub.openStream('candles', 'test', caller.signal), series, lastEventId);
}

afterEach(async () => {
  for (const c of controllers.splice(0)) c.abort();
  await hub.close();
});

describe('candles.live channel', () => {
  it('pushed streams in step get each step as ONE shared event; a backed-up one coalesces without delaying the others', async () => {
    setup();
    bus.publish(snapshot(1));
    const fast = Array.from({ length: 5 }, () => new Target());
    const slow = new Target(2); // takes the snapshot and one update, then its socket is full
    const streams = [...fast, slow].map((target) => {
      const s = subscriber();
      const done = s.run(target).catch((err: unknown) => err);
      return { s, target, done };
    });
    await until(() => streams.every(({ target }) => target.sent.length === 1), 'every snapshot');
    const ids: string[] = [];
    for (let rev = 2; rev <= 7; rev++) {
      ids.push(bus.publish(snapshot(rev)));
      await until(() => fast.every((t) => t.sent.length === rev), `step ${rev} on every fast stream`);
    }

    // Every fast stream: the snapshot, then each write in order with only what changed (the moved candle).
    for (const t of fast) {
      expect(t.sent.map((s) => s.id)).toEqual(['1000-0', ...ids]);
      expect(t.sent.map((s) => s.event.type)).toEqual(['snapshot', 'update', 'update', 'update', 'update', 'update', 'update']);
      expect(t.closes.slice(1)).toEqual([[2], [3], [4], [5], [6], [7]]);
    }
    // One event object per step for all of them: a writer that encodes per object encodes each once.
    for (let i = 0; i < 7; i++) for (const t of fast) expect(t.sent[i]!.event).toBe(fast[0]!.sent[i]!.event);
    // The backed-up stream was sent nothing more meanwhile...
    expect(slow.sent.map((s) => s.id)).toEqual(['1000-0', ids[0]]);
    slow.sent.length = 0;
    const coalescedBefore = hub.stats().coalesced.candles;
    // ...and once drained, one update with every candle that changed since what it had (latest wins).
    streams.at(-1)!.s.resume();
    await until(() => slow.sent.length === 1, 'the catch-up');
    expect(slow.sent[0]!.id).toBe(ids.at(-1));
    expect(slow.sent[0]!.event).toMatchObject({ type: 'update', reload: false, rev: 7 });
    expect(slow.sent[0]!.event.candles.time).toEqual([3, 4, 5, 6, 7].map((m) => m * MINUTE));
    expect(hub.stats().coalesced.candles - coalescedBefore).toBe(4);
    // One subscription upstream for the six streams; the stream entries were read once (the channel's snapshot).
    expect(bus.subscribes).toBe(1);
    expect(bus.replays).toBe(1);
    expect(hub.stats().delivered.candles).toBe(6 + 5 * 6 + 1 + 1);

    for (const c of controllers) c.abort();
    for (const { done } of streams) expect((await done) as Error).toMatchObject({ name: 'AbortError' });
    await until(() => !bus.subscribed && hub.candleChannelCount === 0, 'the channel released with its last stream');
    expect(hub.stats().open.candles).toBe(0);
  });

  it('a pulled stream that does not read gets, when it reads, one update with everything that changed', async () => {
    setup();
    bus.publish(snapshot(1));
    const reader = subscriber();
    await reader.open();
    expect((await reader.next())!.event.type).toBe('snapshot');
    for (let rev = 2; rev <= 5; rev++) bus.publish(snapshot(rev));
    await settle();
    const out = (await reader.next())!;
    expect(out.event).toMatchObject({ type: 'update', rev: 5, reload: false });
    expect(out.event.candles.time).toEqual([2, 3, 4, 5].map((m) => m * MINUTE));
    expect(out.coalesced).toBe(3);
    await reader.close();
  });

  it('a rewritten history or more candles than a tail since the last event says reload', async () => {
    setup();
    bus.publish(snapshot(1));
    const [a, b] = [new Target(), new Target()];
    void subscriber()
      .run(a)
      .catch(() => undefined);
    void subscriber()
      .run(b)
      .catch(() => undefined);
    await until(() => a.sent.length === 1 && b.sent.length === 1, 'the snapshots');
    bus.publish(snapshot(2, false)); // a correction: history before the tail may have changed
    await until(() => a.sent.length === 2 && b.sent.length === 2, 'the correction');
    expect(a.sent[1]!.event.reload).toBe(true);
    bus.publish(snapshot(3));
    bus.publish(snapshot(12)); // 9 minutes appended at once: the tail does not reach back
    await until(() => a.sent.at(-1)?.event.rev === 12, 'the append');
    expect(a.sent.at(-1)!.event.reload).toBe(true);
    expect(a.sent.map((s) => s.event)).toEqual(b.sent.map((s) => s.event));
  });

  it('a stream resuming after an id gets every missed entry once, in order, then steps with the channel', async () => {
    setup();
    const ids = [1, 2, 3, 4, 5, 6, 7, 8].map((rev) => bus.publish(snapshot(rev)));
    const live = new Target();
    void subscriber()
      .run(live)
      .catch(() => undefined);
    await until(() => live.sent.length === 1, 'the live stream');
    const resumed = new Target();
    void subscriber(ids[1])
      .run(resumed)
      .catch(() => undefined);
    // Six entries after ids[1], read in batches of 3: one event each, only what changed since the previous.
    await until(() => resumed.sent.length === 6, 'the missed entries');
    expect(resumed.sent.map((s) => s.id)).toEqual(ids.slice(2));
    expect(resumed.closes).toEqual([[3], [4], [5], [6], [7], [8]]);
    expect(resumed.sent.every((s) => s.event.type === 'update' && !s.event.reload)).toBe(true);
    // Caught up: the next step is the channel's shared event.
    bus.publish(snapshot(9));
    await until(() => resumed.sent.length === 7 && live.sent.length === 2, 'the next step');
    expect(resumed.sent[6]!.event).toBe(live.sent[1]!.event);
  });

  it('resuming after an id older than the stream holds: one resync with the current tail, then live', async () => {
    setup();
    const first = bus.publish(snapshot(1));
    for (let rev = 2; rev <= 6; rev++) bus.publish(snapshot(rev));
    bus.trim(2);
    const resumed = new Target();
    void subscriber(first)
      .run(resumed)
      .catch(() => undefined);
    await until(() => resumed.sent.length === 1, 'the resync');
    expect(resumed.sent[0]!.event).toMatchObject({ type: 'resync', reload: true, rev: 6 });
    expect(resumed.sent[0]!.event.candles.time).toEqual([1, 2, 3, 4, 5, 6].map((m) => m * MINUTE));
    bus.publish(snapshot(7));
    await until(() => resumed.sent.length === 2, 'live after the resync');
    expect(resumed.sent[1]!.event).toMatchObject({ type: 'update', reload: false });
    expect(resumed.closes[1]).toEqual([7]);
  });

  it('a stream is driven one way: pushed or pulled, not both', async () => {
    setup();
    bus.publish(snapshot(1));
    const s = subscriber();
    void s.run(new Target()).catch(() => undefined);
    await expect(s.next()).rejects.toThrow(/already pushed/);
  });
});
