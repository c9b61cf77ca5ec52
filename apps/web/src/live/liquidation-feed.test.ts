import type { LiquidationRow } from '@wick/market';
import { describe, expect, it } from 'vitest';
import { LiquidationFeed, MAX_LIVE_ROWS } from './liquidation-feed.ts';

const row = (id: number, time: number): LiquidationRow => ({
  id,
  symbol: 'BTCUSDT',
  side: 'SELL',
  orderType: 'LIMIT',
  timeInForce: 'IOC',
  originalQuantity: '1',
  price: '100',
  averagePrice: '100',
  orderStatus: 'FILLED',
  lastFillQuantity: '1',
  accumulatedFillQuantity: '1',
  orderTradeTime: time,
  usd: '100',
});

describe('the live liquidation feed', () => {
  it('keeps rows newest first (time, then id), each id once, with the time they arrived', () => {
    const feed = new LiquidationFeed();
    feed.add([row(1, 1000)], 5);
    feed.add([row(3, 2000), row(2, 2000)], 6);
    feed.add([row(1, 1000), row(3, 2000)], 7); // a replay after a reconnect: nothing twice
    const { rows, epoch } = feed.getSnapshot();
    expect(rows.map((r) => r.row.id)).toEqual([3, 2, 1]);
    expect(rows.map((r) => r.receivedAt)).toEqual([6, 6, 5]);
    expect(epoch).toBe(0);
  });

  it("a resync replaces the rows with the stream's latest and moves the epoch; the newest MAX_LIVE_ROWS are kept", () => {
    const feed = new LiquidationFeed();
    feed.add([row(1, 1000), row(2, 1001)]);
    const before = feed.getSnapshot();
    feed.resync([row(9, 5000)]);
    expect(feed.getSnapshot().rows.map((r) => r.row.id)).toEqual([9]);
    expect(feed.getSnapshot().epoch).toBe(1);
    expect(before.rows).toHaveLength(2); // snapshots are immutable
    feed.add(Array.from({ length: MAX_LIVE_ROWS + 10 }, (_, i) => row(100 + i, 10_000 + i)));
    const { rows } = feed.getSnapshot();
    expect(rows).toHaveLength(MAX_LIVE_ROWS);
    expect(rows[0]!.row.id).toBe(100 + MAX_LIVE_ROWS + 9);
  });
});
