import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openScreen, waitForCandles } from './browser.ts';
import { startStack, type Stack } from './stack.ts';

let stack: Stack;
let browser: Browser;
beforeAll(async () => {
  [stack, browser] = await Promise.all([startStack('live'), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

describe('live updates', () => {
  it('an ingest through the API moves the last candle and the RSI value on screen', async () => {
    const { page, context } = await openScreen(browser, stack.origin, 'symbol=BTCUSDT&interval=1m&ind=rsi');
    await waitForCandles(page, 500);
    const rsi = page.locator('[data-indicator=rsi] [data-output=value]');
    await rsi.waitFor();
    const rsiBefore = await rsi.innerText();
    const last = await stack.client.candles.range.query({ symbol: 'BTCUSDT', interval: '1m', limit: 1 });
    const time = last.candles.time[0]! + 60_000;
    const close = Math.round(last.candles.close[0]! * 1.05 * 10) / 10; // a 5 % jump: RSI must move
    await stack.ingest.candles.ingest.mutate({
      symbol: 'BTCUSDT',
      interval: '1m',
      candles: [{ time, open: last.candles.close[0]!, high: close, low: last.candles.close[0]!, close, volume: 12.5 }],
    });
    await page.waitForFunction((t) => document.querySelector('[data-testid=last-candle]')?.getAttribute('data-time') === String(t), time);
    expect(await page.getByTestId('last-close').innerText()).toBe(close.toFixed(1));
    await expect.poll(() => rsi.innerText()).not.toBe(rsiBefore);
    expect(await page.getByTestId('live-status').getAttribute('data-status')).toBe('live');
    await context.close();
  });

  it('new liquidations arrive at the top of the table without duplicates', async () => {
    const { page, context } = await openScreen(browser, stack.origin, 'symbol=BTCUSDT&interval=1m');
    const rows = page.getByTestId('liquidation-scroll').locator('tr[data-id]');
    await rows.first().waitFor();
    const firstId = Number(await rows.first().getAttribute('data-id'));
    // No liquidations.ingest procedure exists yet: write the row as a feed would, then let the live head find it.
    const [head] = (await stack.client.liquidations.list.query({ symbol: 'BTCUSDT', limit: 1 })).rows;
    const at = head!.orderTradeTime + 1000;
    await stack.database.pool.query(
      `INSERT INTO liquidation_orders (symbol_id, side, order_type, time_in_force, original_quantity, price, average_price, order_status,
         last_fill_quantity, accumulated_fill_quantity, order_trade_time)
       SELECT symbol_id, 'BUY', order_type, time_in_force, 1, 70000, 70000, order_status, 1, 1, ? FROM liquidation_orders WHERE id = ?`,
      [at, head!.id],
    );
    await page.waitForFunction(
      (id) => Number(document.querySelector('[data-testid=liquidation-scroll] tr[data-id]')?.getAttribute('data-id')) > id,
      firstId,
    );
    const ids = await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-id')));
    expect(new Set(ids).size).toBe(ids.length);
    expect(await rows.first().getAttribute('data-time')).toBe(String(at));
    await context.close();
  });
});
