import { describe, expect, it } from 'vitest';
import { VirtualClock, isOhlcConsistent, liquidationEventSchema, runSimulator, type CandleInput, type MarketSource } from '../src/index.ts';
import { apiError, networkError } from './support/api-error.ts';
import { RecordingSink } from './support/recording-sink.ts';
import { testLog } from './support/silent-log.ts';

const MINUTE = 60_000;
const T = Date.UTC(2025, 5, 1, 12, 0);

function storedCandles(last: number, price: number): CandleInput[] {
  return Array.from({ length: 60 }, (_, i) => {
    const p = Math.round(price * (1 + 0.001 * Math.sin(i)) * 100) / 100;
    return { time: last - (59 - i) * MINUTE, open: p, high: p + 1, low: p - 1, close: p, volume: 25.5 };
  });
}

function source(stored: Record<string, CandleInput[]>): MarketSource & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    listSymbols: async () => Object.keys(stored),
    latestCandles: async (symbol, limit) => {
      asked.push(symbol);
      return (stored[symbol] ?? []).slice(-limit);
    },
  };
}

describe('runSimulator (recording sink, simulated clock)', () => {
  it('moves every symbol at the rate asked, closing candles on the minute', async () => {
    const sink = new RecordingSink();
    const clock = new VirtualClock(T + 30_000);
    const report = await runSimulator({
      sink,
      source: source({ BTCUSDT: storedCandles(T, 60_000), ETHUSDT: storedCandles(T, 3000), EMPTYUSDT: [] }),
      clock,
      log: testLog,
      rate: 2,
      seed: 42,
      durationMs: 3 * MINUTE,
    });
    expect(report.symbols).toEqual(['BTCUSDT', 'ETHUSDT']);
    // 3 simulated minutes at 2 updates/s.
    expect(report.ticks).toBe(360);
    for (const symbol of ['BTCUSDT', 'ETHUSDT']) {
      const updates = sink.candleUpdates(symbol);
      // The first flush sends the open candle as found; then one update per tick, plus each closing state.
      expect(updates.length).toBe(1 + 360 + 3);
      const latest = sink.latestCandles(symbol);
      expect([...latest.keys()]).toEqual([T, T + MINUTE, T + 2 * MINUTE, T + 3 * MINUTE]);
      for (const t of [T + MINUTE, T + 2 * MINUTE, T + 3 * MINUTE]) expect(latest.get(t)!.open).toBe(latest.get(t - MINUTE)!.close);
      for (const c of updates) expect(isOhlcConsistent(c)).toBe(true);
      // The stored open candle is continued, not replaced.
      expect(latest.get(T)!.open).toBe(storedCandles(T, symbol === 'BTCUSDT' ? 60_000 : 3000).at(-1)!.open);
    }
    expect(report.liquidationsGenerated).toBe(sink.liquidationEvents().length);
    for (const e of sink.liquidationEvents()) liquidationEventSchema.parse(e);
  });

  it('is reproducible from its seed', async () => {
    const run = async (seed: number) => {
      const sink = new RecordingSink();
      await runSimulator({
        sink,
        source: source({ BTCUSDT: storedCandles(T, 60_000) }),
        clock: new VirtualClock(T + 1000),
        log: testLog,
        seed,
        durationMs: 90_000,
      });
      return [...sink.latestCandles('BTCUSDT').values()];
    };
    expect(await run(5)).toEqual(await run(5));
    expect(await run(5)).not.toEqual(await run(6));
  });

  it('survives API errors: waits, backs off, skips, and keeps delivering the latest state', async () => {
    const sink = new RecordingSink();
    sink.failWith(
      apiError('TOO_MANY_REQUESTS', { retryAfterMs: 3000 }),
      apiError('SERVICE_UNAVAILABLE'),
      networkError(),
      apiError('BAD_REQUEST'),
      apiError('UNAUTHORIZED'),
    );
    const report = await runSimulator({
      sink,
      source: source({ BTCUSDT: storedCandles(T, 60_000) }),
      clock: new VirtualClock(T + 1000),
      log: testLog,
      durationMs: 2 * MINUTE,
    });
    expect(report.outbox).toMatchObject({ rateLimited: 1, unavailable: 2, rejected: 1, unauthorized: 1 });
    const latest = sink.latestCandles('BTCUSDT');
    expect([...latest.keys()]).toEqual([T, T + MINUTE, T + 2 * MINUTE]);
  });

  it('on shutdown finishes the ingest in flight before it returns', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const controller = new AbortController();
    const recorded = new RecordingSink();
    let calls = 0;
    let finished = false;
    const run = runSimulator({
      sink: {
        async candles(symbol, candles) {
          calls += 1;
          if (calls === 5) {
            controller.abort();
            await gate;
            finished = true;
          }
          await recorded.candles(symbol, candles);
        },
        liquidations: (events) => recorded.liquidations(events),
      },
      source: source({ BTCUSDT: storedCandles(T, 60_000) }),
      clock: new VirtualClock(T + 1000),
      log: testLog,
      signal: controller.signal,
    });
    let returned = false;
    void run.then(() => (returned = true));
    await new Promise((r) => setTimeout(r, 50));
    expect(controller.signal.aborted).toBe(true);
    expect(returned).toBe(false);
    release();
    const report = await run;
    expect(finished).toBe(true);
    expect(report.outbox.candlesSent).toBe(recorded.candleUpdates('BTCUSDT').length);
    expect(report.ticks).toBe(4);
  });

  it('says what to do when no symbol has candles', async () => {
    await expect(
      runSimulator({
        sink: new RecordingSink(),
        source: source({ BTCUSDT: [] }),
        clock: new VirtualClock(T),
        log: testLog,
        durationMs: 1000,
      }),
    ).rejects.toThrow(/seed the database first/);
  });
});
