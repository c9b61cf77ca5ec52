// The follower's ordering rules over an in-memory bus (stream + channel), so each case is exact:
// every entry once and in order, stale snapshots skipped, holes and non-tail writes flagged,
// gaps replayed, lost windows resynced.
import { describe, expect, it } from 'vitest';
import { event, FakeBus } from './fake-bus.ts';
import { SeriesFollower, type SeriesStep } from './series-follower.ts';

const series = { symbol: 'BTCUSDT', interval: '1m' as const };
const channel = { kind: 'series' as const, series };

const options = { replayBatch: 3, retryMs: 5 };

async function steps(follower: SeriesFollower, n: number): Promise<SeriesStep[]> {
  const out: SeriesStep[] = [];
  const signal = new AbortController().signal;
  for (let i = 0; i < n; i++) out.push((await follower.next(signal))!);
  return out;
}

const summary = (s: SeriesStep[]) => s.map((x) => [x.via, x.event.rev, x.intact]);

describe('SeriesFollower', () => {
  it('opens with the newest entry, then takes live messages in order; a slow consumer gets the newest with the rest merged', async () => {
    const bus = new FakeBus();
    bus.publish(event(1));
    const f = new SeriesFollower(bus.source(), channel, options);
    await f.open();
    const [snapshot] = await steps(f, 1);
    expect(summary([snapshot!])).toEqual([['snapshot', 1, true]]);
    bus.publish(event(2));
    bus.publish(event(3));
    bus.publish(event(4));
    const [merged] = await steps(f, 1);
    expect(merged).toMatchObject({ via: 'live', id: '1000-3', intact: true, coalesced: 2 });
    expect(merged!.event.rev).toBe(4);
  });

  it('skips a snapshot older by rev (racing publishers) and flags a rev that never arrived or a non-tail write', async () => {
    const bus = new FakeBus();
    bus.publish(event(1));
    const f = new SeriesFollower(bus.source(), channel, options);
    await f.open();
    await steps(f, 1);
    bus.publish(event(3)); // rev 2 never published (its publish failed): history may have moved
    expect(summary(await steps(f, 1))).toEqual([['live', 3, false]]);
    bus.publish(event(2)); // late: older than what was taken
    bus.publish(event(4, false)); // a correction
    expect(summary(await steps(f, 1))).toEqual([['live', 4, false]]);
    bus.publish(event(5));
    expect(summary(await steps(f, 1))).toEqual([['live', 5, true]]);
  });

  it('after a gap, replays the stream from the last entry taken: every missed entry once, in order', async () => {
    const bus = new FakeBus();
    bus.publish(event(1));
    const f = new SeriesFollower(bus.source(), channel, options);
    await f.open();
    await steps(f, 1);
    for (let rev = 2; rev <= 6; rev++) bus.publish(event(rev), true); // lost in a failover
    bus.gap();
    bus.publish(event(7));
    expect(summary(await steps(f, 6))).toEqual([2, 3, 4, 5, 6, 7].map((rev) => ['replay', rev, true]));
  });

  it('resumes after an id: the entry at it is the baseline, the later ones come as replay; an id trimmed away is one resync', async () => {
    const bus = new FakeBus();
    const ids = [1, 2, 3, 4, 5].map((rev) => bus.publish(event(rev)));
    const f = new SeriesFollower(bus.source(), channel, options);
    await f.open(ids[1]);
    expect(summary(await steps(f, 4))).toEqual([
      ['baseline', 2, true],
      ['replay', 3, true],
      ['replay', 4, true],
      ['replay', 5, true],
    ]);

    bus.trim(2);
    const g = new SeriesFollower(bus.source(), channel, options);
    await g.open(ids[0]);
    const [resync] = await steps(g, 1);
    expect(resync).toMatchObject({ via: 'resync', id: ids[4], intact: false });
    bus.publish(event(6));
    expect(summary(await steps(g, 1))).toEqual([['live', 6, true]]);
  });

  it('waits while Valkey cannot answer its replay and catches up once it can', async () => {
    const bus = new FakeBus();
    const first = bus.publish(event(1));
    bus.publish(event(2));
    bus.down = true;
    const f = new SeriesFollower(bus.source(), channel, options);
    await f.open(first);
    const pending = steps(f, 2);
    await new Promise((r) => setTimeout(r, 30));
    bus.down = false;
    expect(summary(await pending)).toEqual([
      ['baseline', 1, true],
      ['replay', 2, true],
    ]);
  });
});
