// Live subscriptions through @wick/client (splitLink → httpSubscriptionLink over eventsource@3) against a real server.
import { setTimeout as sleep } from 'node:timers/promises';
import { fixtureCandles, MINUTE, startWick, T0, type Wick } from '@wick/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWickClient, errorCode, nodeEventSource, type CandleLiveEvent, type WickClient } from '../src/index.ts';
import { logRequests, type RequestLog } from './request-log.ts';

let wick: Wick;
let client: WickClient;
let log: RequestLog;

beforeAll(async () => {
  wick = await startWick('client_live');
  client = createWickClient({ url: wick.url, EventSource: await nodeEventSource() });
  log = logRequests(wick.server.server);
  // One write through ingest, so the series has a head: a new stream starts with it as its snapshot.
  const [first] = fixtureCandles('BTCUSDT', 1, T0);
  await wick.ingest.candles.ingest.mutate({ symbol: 'BTCUSDT', interval: '1m', candles: [first!] });
});
afterAll(async () => {
  log?.stop();
  await wick?.close();
});

async function until(check: () => boolean, what: string): Promise<void> {
  // A hang guard, not a measurement: the condition is what the test asserts.
  for (let i = 0; i < 600 && !check(); i++) await sleep(50);
  if (!check()) throw new Error(`timed out waiting for ${what}`);
}

describe('live subscriptions', () => {
  it('go over SSE (one GET per subscription, not the batch link) and deliver what ingest writes, in order', async () => {
    log.clear();
    const events: CandleLiveEvent[] = [];
    const ids: string[] = [];
    let started = false;
    const sub = client.candles.live.subscribe(
      { symbol: 'BTCUSDT', interval: '1m' },
      {
        onStarted: () => (started = true),
        onData: (envelope) => {
          ids.push(envelope.id);
          events.push(envelope.data);
        },
      },
    );
    await until(() => started, 'the stream to open');
    await until(() => events.length === 1, 'the snapshot');
    const base = fixtureCandles('BTCUSDT', 1, T0)[0]!;
    const writes = [1, 2, 3].map((i) => ({ ...base, time: T0 + i * MINUTE, close: base.open + i, high: base.open + i }));
    for (const candle of writes) await wick.ingest.candles.ingest.mutate({ symbol: 'BTCUSDT', interval: '1m', candles: [candle] });
    await until(() => events.length >= 1 + writes.length, 'three updates');
    sub.unsubscribe();

    expect(events[0]!.type).toBe('snapshot');
    expect(events[0]!.candles.time.at(-1)).toBe(T0);
    const updates = events.slice(1);
    expect(updates.map((e) => [e.type, e.candles.time])).toEqual(writes.map((w) => ['update', [w.time]]));
    expect(updates.map((e) => e.candles.close[0])).toEqual(writes.map((w) => w.close));
    expect(new Set(ids).size).toBe(ids.length);
    const live = log.trpc().filter((r) => r.pathname === '/trpc/candles.live');
    expect(live.map((r) => r.method)).toEqual(['GET']);
  });

  it('an unknown symbol fails the subscription with NOT_FOUND', async () => {
    const error = await new Promise<unknown>((resolve) => {
      client.candles.live.subscribe({ symbol: 'NOPEUSDT', interval: '1m' }, { onError: resolve, onData: () => resolve(null) });
    });
    expect(errorCode(error)).toBe('NOT_FOUND');
  });
});
