// The simulator against a real Wick server (MariaDB + the Valkey cluster), through @wick/client.
import { createWickClient, type WickClient } from '@wick/client';
import { fixtureCandles, INGEST_KEY, startWick, T0, type Wick } from '@wick/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientMarketSource, createClientSink, runSimulator, VirtualClock, type CandleInput, type SimulatorReport } from '../src/index.ts';
import { RecordingSink } from './support/recording-sink.ts';
import { testLog } from './support/silent-log.ts';

const MINUTE = 60_000;
const SYMBOL = 'BTCUSDT';

let wick: Wick;
let client: WickClient;
let sink: RecordingSink;
let report: SimulatorReport;
async function range(interval: '1m' | '5m', from: number, to: number): Promise<CandleInput[]> {
  const { candles: c } = await client.candles.range.query({ symbol: SYMBOL, interval, from, to, limit: 100 });
  return c.time.map((time, i) => ({ time, open: c.open[i]!, high: c.high[i]!, low: c.low[i]!, close: c.close[i]!, volume: c.volume[i]! }));
}
const ohlcv = (c: CandleInput) => ({ time: c.time, open: c.open, high: c.high, low: c.low, close: c.close, volume: c.volume });

beforeAll(async () => {
  wick = await startWick('feeds_sim');
  client = createWickClient({ url: wick.url, apiKey: INGEST_KEY });
  sink = new RecordingSink(createClientSink(client));
  // The fixture's last candle (T0 − 1m) is still open 20 s before T0: the simulator continues it,
  // then runs through T0 … T0+5m, so the 5m bucket [T0, T0+5m) closes too. One update every 2 s
  // keeps the test short: every update is a real HTTP ingest.
  report = await runSimulator({
    sink,
    source: clientMarketSource(client),
    clock: new VirtualClock(T0 - 20_000),
    log: testLog,
    rate: 0.5,
    seed: 7,
    durationMs: 20_000 + 5 * MINUTE + 10_000,
  });
});
afterAll(() => wick?.close());

describe('feed:sim → a real Wick server', () => {
  it('moves both seeded symbols and the API accepted every update', () => {
    expect(report.symbols).toEqual(['BTCUSDT', 'ETHUSDT']);
    expect(report.outbox).toMatchObject({ rateLimited: 0, unavailable: 0, unauthorized: 0 });
    expect(report.outbox.candlesSent).toBe(sink.candleUpdates('BTCUSDT').length + sink.candleUpdates('ETHUSDT').length);
  });

  it('moved the open candle it found, keeping its open', async () => {
    const stored = fixtureCandles(SYMBOL, 3000).at(-1)!;
    expect(stored.time).toBe(T0 - MINUTE);
    const [now] = await range('1m', T0 - MINUTE, T0 - MINUTE);
    expect(now!.open).toBe(stored.open);
    expect(now!.volume).toBeGreaterThan(stored.volume);
    expect(now!.high).toBeGreaterThanOrEqual(stored.high);
    expect(now!.low).toBeLessThanOrEqual(stored.low);
    expect(ohlcv(now!)).toEqual(ohlcv(sink.latestCandles(SYMBOL).get(T0 - MINUTE)!));
  });

  it('closed a candle exactly at each minute boundary, OHLC consistent with the updates sent', async () => {
    const stored = await range('1m', T0 - MINUTE, T0 + 5 * MINUTE);
    expect(stored.map((c) => c.time)).toEqual(Array.from({ length: 7 }, (_, i) => T0 + (i - 1) * MINUTE));
    for (let i = 1; i < stored.length; i++) expect(stored[i]!.open).toBe(stored[i - 1]!.close);
    for (const c of stored) {
      const updates = sink.candleUpdates(SYMBOL).filter((u) => u.time === c.time);
      const last = updates.at(-1)!;
      expect(ohlcv(c)).toEqual(ohlcv(last));
      expect(c.high).toBe(Math.max(...updates.map((u) => u.high)));
      expect(c.low).toBe(Math.min(...updates.map((u) => u.low)));
      expect(c.high).toBeGreaterThanOrEqual(Math.max(c.open, c.close));
      expect(c.low).toBeLessThanOrEqual(Math.min(c.open, c.close));
    }
    // Each minute T0 … T0+4m got an update every 2 simulated seconds (rate 0.5), and the volume only grew.
    for (let m = 0; m < 5; m++) {
      const updates = sink.candleUpdates(SYMBOL).filter((u) => u.time === T0 + m * MINUTE);
      expect(updates.length).toBeGreaterThanOrEqual(30);
      expect(updates.map((u) => u.volume)).toEqual([...updates.map((u) => u.volume)].sort((a, b) => a - b));
    }
  });

  it('the 5m candle follows its 1m candles', async () => {
    const minutes = await range('1m', T0, T0 + 4 * MINUTE);
    const [five] = await range('5m', T0, T0);
    expect(five).toBeDefined();
    expect(five!.open).toBe(minutes[0]!.open);
    expect(five!.close).toBe(minutes[4]!.close);
    expect(five!.high).toBe(Math.max(...minutes.map((c) => c.high)));
    expect(five!.low).toBe(Math.min(...minutes.map((c) => c.low)));
    expect(five!.volume).toBeCloseTo(
      minutes.reduce((s, c) => s + c.volume, 0),
      8,
    );
  });

  it('generated liquidations, forceOrder-shaped, for the fast moves', () => {
    expect(report.liquidationsGenerated).toBeGreaterThan(0);
  });

  it('its liquidations are listed by liquidations.list', async () => {
    // Reported as skipped (not passed) until the API has the procedure.
    const sent = sink.liquidationEvents().filter((e) => e.symbol === SYMBOL);
    expect(sent.length).toBeGreaterThan(0);
    const { rows } = await client.liquidations.list.query({ symbol: SYMBOL, from: T0 - MINUTE, to: T0 + 10 * MINUTE, limit: 1000 });
    expect(rows).toHaveLength(sent.length);
    const key = (e: { side: string; price: string; orderTradeTime: number }) => `${e.orderTradeTime}|${e.side}|${Number(e.price)}`;
    expect(new Set(rows.map(key))).toEqual(new Set(sent.map(key)));
  });
});
