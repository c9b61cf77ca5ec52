// The SSE writer's push path: candles.live events are encoded into their frame once per event and
// the same bytes written to every stream of the series, in tRPC's wire format (`data:` + `id:`), in
// order and complete on every stream, while a stream that never reads sits among them. Counts and
// content only; never time.
import { request, type ClientRequest } from 'node:http';
import type { CandleLiveEvent } from '@wick/api';
import { fixtureCandles, startWick, T0, type Wick } from '@wick/server/testing';
import superjson from 'superjson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from './live-subscriber.ts';

const STREAMS = 40;
const WRITES = 12;

let wick: Wick;
const requests: ClientRequest[] = [];

beforeAll(async () => {
  wick = await startWick('live_frames', { env: { LIVE_MAX_STREAMS_PER_CLIENT: String(STREAMS + 10) } });
  await wick.ingest.candles.ingest.mutate({ symbol: 'BTCUSDT', interval: '1m', candles: [fixtureCandles('BTCUSDT', 1, T0)[0]!] });
}, 120_000);

afterAll(async () => {
  for (const r of requests) r.destroy();
  await wick?.close();
});

interface Frame {
  id: string;
  data: CandleLiveEvent;
  /** The frame's bytes as they came off the wire. */
  raw: string;
}

/** A candles.live stream read by hand, to see the frames as bytes; `paused`: opened, then never read. */
function openStream(paused = false): { frames: Frame[]; connected: () => boolean } {
  const frames: Frame[] = [];
  let connected = false;
  const input = encodeURIComponent(JSON.stringify(superjson.serialize({ symbol: 'BTCUSDT', interval: '1m' })));
  const req = request(`${wick.url}/trpc/candles.live?input=${input}`, { headers: { accept: 'text/event-stream' }, agent: false }, (res) => {
    connected = true;
    if (paused) return res.pause();
    res.setEncoding('utf8');
    let buffer = '';
    res.on('data', (chunk: string) => {
      buffer += chunk;
      let end: number;
      while ((end = buffer.indexOf('\n\n')) !== -1) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const m = /^data: (.*)\nid: (.*)$/.exec(block);
        if (m) frames.push({ id: m[2]!, data: superjson.deserialize(JSON.parse(m[1]!)), raw: block });
      }
    });
  });
  req.on('error', () => undefined);
  req.end();
  requests.push(req);
  return { frames, connected: () => connected };
}

const open = (fromIndex: number) => fixtureCandles('BTCUSDT', 1, T0)[0]!.open + fromIndex;

describe('the SSE push path', () => {
  it('encodes each event once for every stream of the series, and every reading stream gets every write in order', async () => {
    const stuck = openStream(true);
    const streams = Array.from({ length: STREAMS }, () => openStream());
    await until(() => stuck.connected() && streams.every((s) => s.frames.length === 1), 'every snapshot');
    const snapshotIds = new Set(streams.map((s) => s.frames[0]!.id));
    expect(streams.every((s) => s.frames[0]!.data.type === 'snapshot')).toBe(true);

    const live = wick.server.live;
    const encodedBefore = live.stats().framesEncoded;
    const base = fixtureCandles('BTCUSDT', 1, T0)[0]!;
    for (let k = 0; k < WRITES; k++) {
      const close = open(k + 1);
      await wick.ingest.candles.ingest.mutate({
        symbol: 'BTCUSDT',
        interval: '1m',
        candles: [{ ...base, close, high: Math.max(base.high, close), volume: 1000 + k }],
      });
      // One write at a time reaches every stream before the next: each is its own event (nothing coalesces).
      await until(() => streams.every((s) => s.frames.length === k + 2), `write ${k} on every stream`);
    }

    for (const s of streams) {
      const updates = s.frames.slice(1);
      expect(updates.map((f) => f.data.type)).toEqual(Array(WRITES).fill('update'));
      expect(updates.map((f) => f.data.candles.volume.at(-1))).toEqual(Array.from({ length: WRITES }, (_, k) => 1000 + k));
      // Ids increase: the order a reconnect resumes from.
      expect(updates.map((f) => f.id)).toEqual([...updates.map((f) => f.id)].sort(compareIds));
    }
    // Every stream read the same bytes for the same write...
    for (let i = 1; i <= WRITES; i++) expect(new Set(streams.map((s) => s.frames[i]!.raw)).size).toBe(1);
    // ...encoded once per write, not once per stream (the stuck one included: it was written the same frames).
    expect(snapshotIds.size).toBe(1);
    expect(live.stats().framesEncoded - encodedBefore).toBe(WRITES);
  });
});

function compareIds(a: string, b: string): number {
  const [am, as] = a.split('-').map(BigInt) as [bigint, bigint];
  const [bm, bs] = b.split('-').map(BigInt) as [bigint, bigint];
  return am !== bm ? (am < bm ? -1 : 1) : as < bs ? -1 : as > bs ? 1 : 0;
}
