import { describe, expect, it } from 'vitest';
import { IngestOutbox, VirtualClock, type CandleInput, type LiquidationEvent } from '../src/index.ts';
import { apiError, networkError } from './support/api-error.ts';
import { RecordingSink } from './support/recording-sink.ts';
import { testLog } from './support/silent-log.ts';

const T = Date.UTC(2025, 0, 1);
const candle = (time: number, close: number): CandleInput => ({
  time,
  open: 100,
  high: Math.max(100, close),
  low: Math.min(100, close),
  close,
  volume: 1,
});
const liquidation = (n: number): LiquidationEvent => ({
  symbol: 'BTCUSDT',
  side: 'SELL',
  orderType: 'LIMIT',
  timeInForce: 'IOC',
  originalQuantity: '0.010',
  price: '100.0',
  averagePrice: '100.5',
  orderStatus: 'FILLED',
  lastFillQuantity: '0.010',
  accumulatedFillQuantity: '0.010',
  orderTradeTime: T + n,
});

function setup() {
  const sink = new RecordingSink();
  const clock = new VirtualClock(T);
  const outbox = new IngestOutbox(sink, { clock, log: testLog, backoff: { initialMs: 1000, jitter: 0 } });
  return { sink, clock, outbox };
}

describe('IngestOutbox', () => {
  it('coalesces updates of the same candle into its latest state, one call per symbol', async () => {
    const { sink, outbox } = setup();
    outbox.putCandle('BTCUSDT', candle(T, 101));
    outbox.putCandle('BTCUSDT', candle(T, 102));
    outbox.putCandle('BTCUSDT', candle(T + 60_000, 103));
    outbox.putCandle('ETHUSDT', candle(T, 99));
    await outbox.flush();
    expect(sink.calls).toEqual([
      { kind: 'candles', symbol: 'BTCUSDT', candles: [candle(T, 102), candle(T + 60_000, 103)] },
      { kind: 'candles', symbol: 'ETHUSDT', candles: [candle(T, 99)] },
    ]);
    expect(outbox.pending).toEqual({ candles: 0, liquidations: 0 });
    await outbox.flush();
    expect(sink.calls).toHaveLength(2);
  });

  it('on TOO_MANY_REQUESTS waits the Retry-After, then sends the latest state', async () => {
    const { sink, clock, outbox } = setup();
    sink.failWith(apiError('TOO_MANY_REQUESTS', { retryAfterMs: 4000 }));
    outbox.putCandle('BTCUSDT', candle(T, 101));
    await outbox.flush();
    expect(outbox.stats.rateLimited).toBe(1);
    expect(outbox.waitMs()).toBe(4000);
    outbox.putCandle('BTCUSDT', candle(T, 105));
    await clock.sleep(3999);
    await outbox.flush();
    expect(sink.calls).toHaveLength(0);
    await clock.sleep(1);
    await outbox.flush();
    expect(sink.calls).toEqual([{ kind: 'candles', symbol: 'BTCUSDT', candles: [candle(T, 105)] }]);
  });

  it('backs off on SERVICE_UNAVAILABLE and network errors, keeping the data, growing the wait', async () => {
    const { sink, clock, outbox } = setup();
    sink.failWith(apiError('SERVICE_UNAVAILABLE'), networkError());
    outbox.putCandle('BTCUSDT', candle(T, 101));
    outbox.putLiquidations([liquidation(1)]);
    await outbox.flush();
    // Both calls of the flush failed: one back-off step.
    expect(outbox.stats.unavailable).toBe(2);
    expect(outbox.waitMs()).toBe(1000);
    await clock.sleep(1000);
    sink.failWith(apiError('INTERNAL_SERVER_ERROR'));
    await outbox.flush();
    expect(outbox.waitMs()).toBe(2000);
    await clock.sleep(2000);
    await outbox.flush();
    // Candles and liquidations travel in parallel: either may land first.
    expect(sink.calls).toHaveLength(2);
    expect(sink.calls).toEqual(
      expect.arrayContaining([
        { kind: 'candles', symbol: 'BTCUSDT', candles: [candle(T, 101)] },
        { kind: 'liquidations', events: [liquidation(1)] },
      ]),
    );
    // Success resets the back-off.
    sink.failWith(apiError('SERVICE_UNAVAILABLE'));
    outbox.putCandle('BTCUSDT', candle(T, 102));
    await outbox.flush();
    expect(outbox.waitMs()).toBe(1000);
  });

  it('drops a batch the API rejects as invalid and carries on', async () => {
    const { sink, outbox } = setup();
    sink.failWith(apiError('BAD_REQUEST'));
    outbox.putCandle('BTCUSDT', candle(T, 101));
    await outbox.flush();
    expect(outbox.stats.rejected).toBe(1);
    expect(outbox.pending.candles).toBe(0);
    expect(outbox.waitMs()).toBe(0);
    outbox.putCandle('BTCUSDT', candle(T, 102));
    await outbox.flush();
    expect(sink.calls).toEqual([{ kind: 'candles', symbol: 'BTCUSDT', candles: [candle(T, 102)] }]);
  });

  it('never replaces a state put during a failed flight with the older one it retries', async () => {
    const { sink, clock, outbox } = setup();
    sink.failWith(apiError('SERVICE_UNAVAILABLE'));
    outbox.putCandle('BTCUSDT', candle(T, 101));
    const flight = outbox.flush();
    outbox.putCandle('BTCUSDT', candle(T, 107));
    await flight;
    await clock.sleep(1000);
    await outbox.flush();
    expect(sink.latestCandles('BTCUSDT').get(T)).toEqual(candle(T, 107));
    expect(sink.calls).toHaveLength(1);
  });

  it('keeps liquidations in order across a failure, in batches of at most 1,000', async () => {
    const { sink, clock, outbox } = setup();
    outbox.putLiquidations(Array.from({ length: 2500 }, (_, i) => liquidation(i)));
    sink.failWith(null, apiError('SERVICE_UNAVAILABLE'));
    await outbox.flush();
    expect(outbox.pending.liquidations).toBe(1500);
    outbox.putLiquidations([liquidation(9999)]);
    await clock.sleep(1000);
    await outbox.flush();
    const sent = sink.liquidationEvents().map((e) => e.orderTradeTime - T);
    expect(sent).toEqual([...Array.from({ length: 2500 }, (_, i) => i), 9999]);
    expect(sink.calls.map((c) => (c.kind === 'liquidations' ? c.events.length : 0))).toEqual([1000, 1000, 501]);
  });

  it('bounds the liquidation backlog, dropping the oldest', async () => {
    const sink = new RecordingSink();
    const clock = new VirtualClock(T);
    const outbox = new IngestOutbox(sink, { clock, log: testLog, maxPendingLiquidations: 3 });
    outbox.putLiquidations([1, 2, 3, 4, 5].map(liquidation));
    expect(outbox.stats.droppedLiquidations).toBe(2);
    await outbox.flush();
    expect(sink.liquidationEvents().map((e) => e.orderTradeTime - T)).toEqual([3, 4, 5]);
  });

  it('drains on shutdown, waiting out a Retry-After that fits its budget', async () => {
    const { sink, clock, outbox } = setup();
    sink.failWith(apiError('TOO_MANY_REQUESTS', { retryAfterMs: 2000 }));
    outbox.putCandle('BTCUSDT', candle(T, 101));
    await outbox.drain(5000);
    expect(sink.calls).toEqual([{ kind: 'candles', symbol: 'BTCUSDT', candles: [candle(T, 101)] }]);
    expect(clock.now() - T).toBe(2000);

    sink.failWith(apiError('TOO_MANY_REQUESTS', { retryAfterMs: 60_000 }));
    outbox.putCandle('BTCUSDT', candle(T, 102));
    await outbox.drain(5000);
    // A wait beyond the budget is not taken: the state stays pending, the drain returns.
    expect(outbox.pending.candles).toBe(1);
    expect(sink.calls).toHaveLength(1);
  });
});
