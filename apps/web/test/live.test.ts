import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openScreen, waitForCandles } from './browser.ts';
import { startStack, type Stack } from './stack.ts';

let stack: Stack;
let browser: Browser;
beforeAll(async () => {
  // The browser reaches the server through a TCP proxy, so a test can cut every stream at once.
  [stack, browser] = await Promise.all([startStack('live', { frontProxy: true }), launchBrowser()]);
});
afterAll(async () => {
  await stack?.frontProxy?.restore().catch(() => undefined);
  await browser?.close();
  await stack?.close();
});

const liveStatus = (page: Page) => page.getByTestId('live-status').getAttribute('data-status');
const tableIds = (page: Page) =>
  page
    .getByTestId('liquidation-scroll')
    .locator('tr[data-id]')
    .evaluateAll((trs) => trs.map((tr) => Number(tr.getAttribute('data-id'))));

/** The next 1m candle after the series' last, a jump of `factor` from its close (an RSI must move). */
async function nextCandle(symbol: string, factor: number, step = 1) {
  const last = await stack.client.candles.range.query({ symbol, interval: '1m', limit: 1 });
  const time = last.candles.time[0]! + step * 60_000;
  const open = last.candles.close[0]!;
  const close = Math.round(open * factor * 10) / 10;
  return { time, open, high: Math.max(open, close), low: Math.min(open, close), close, volume: 12.5 };
}

/** A liquidation as a feed sends it, newer than every stored one (so it tops the table). */
async function liquidation(symbol: string, usdPrice: string) {
  const [head] = (await stack.client.liquidations.list.query({ limit: 1 })).rows;
  return {
    symbol,
    side: 'BUY' as const,
    orderType: 'LIMIT',
    timeInForce: 'IOC',
    originalQuantity: '1',
    price: usdPrice,
    averagePrice: usdPrice,
    orderStatus: 'FILLED',
    lastFillQuantity: '1',
    accumulatedFillQuantity: '1',
    orderTradeTime: head!.orderTradeTime + 1000,
  };
}

describe('live updates over subscriptions', () => {
  it('an ingest through the API moves the last candle and the RSI value on screen', async () => {
    const { page, context, consoleErrors } = await openScreen(browser, stack.origin, 'symbol=BTCUSDT&interval=1m&ind=rsi');
    await waitForCandles(page, 500);
    const rsi = page.locator('[data-indicator=rsi] [data-output=value]');
    await rsi.waitFor();
    await expect.poll(() => liveStatus(page)).toBe('live');
    const rsiBefore = await rsi.innerText();
    const candlesBefore = Number(await page.getByTestId('chart').getAttribute('data-candles'));

    const candle = await nextCandle('BTCUSDT', 1.05);
    await stack.ingest.candles.ingest.mutate({ symbol: 'BTCUSDT', interval: '1m', candles: [candle] });
    await page.waitForFunction(
      (t) => document.querySelector('[data-testid=last-candle]')?.getAttribute('data-time') === String(t),
      candle.time,
    );
    expect(await page.getByTestId('last-close').innerText()).toBe(candle.close.toFixed(1));
    await expect.poll(() => rsi.innerText()).not.toBe(rsiBefore);
    // Appended, not reloaded: exactly one more candle on the chart.
    expect(Number(await page.getByTestId('chart').getAttribute('data-candles'))).toBe(candlesBefore + 1);

    // The open candle moves again: same candle count, new close.
    const moved = { ...candle, close: Math.round(candle.close * 1.01 * 10) / 10 };
    moved.high = Math.max(moved.high, moved.close);
    await stack.ingest.candles.ingest.mutate({ symbol: 'BTCUSDT', interval: '1m', candles: [moved] });
    await expect.poll(() => page.getByTestId('last-close').innerText()).toBe(moved.close.toFixed(1));
    expect(Number(await page.getByTestId('chart').getAttribute('data-candles'))).toBe(candlesBefore + 1);
    expect(await liveStatus(page)).toBe('live');
    expect(consoleErrors).toEqual([]);
    await context.close();
  });

  it('a liquidation ingested through the API appears at the top of the table, once', async () => {
    const { page, context, consoleErrors } = await openScreen(browser, stack.origin, 'symbol=BTCUSDT&interval=1m');
    const rows = page.getByTestId('liquidation-scroll').locator('tr[data-id]');
    await rows.first().waitFor();
    await expect.poll(() => liveStatus(page)).toBe('live');
    const before = await tableIds(page);

    const event = await liquidation('BTCUSDT', '70000');
    const result = await stack.ingest.liquidations.ingest.mutate({ events: [event] });
    expect(result.inserted).toBe(1);
    await page.waitForFunction(
      (id) => Number(document.querySelector('[data-testid=liquidation-scroll] tr[data-id]')?.getAttribute('data-id')) > id,
      before[0]!,
    );
    expect(await rows.first().getAttribute('data-time')).toBe(String(event.orderTradeTime));
    const after = await tableIds(page);
    expect(new Set(after).size).toBe(after.length);
    expect(after.slice(1)).toEqual(before); // the new row on top, the rest unchanged
    expect(consoleErrors).toEqual([]);
    await context.close();
  });

  it('a cut stream shows reconnecting, then live again, and resumes with what it missed, no row twice', async () => {
    // The channel has published before (as in production), so the stream's position is a real id: an
    // empty channel's position is "0-0", and resuming from it is a resync (the table reloads).
    await stack.ingest.liquidations.ingest.mutate({ events: [await liquidation('ETHUSDT', '2000')] });
    const { page, context, consoleErrors } = await openScreen(browser, stack.origin, 'symbol=BTCUSDT&interval=1m&ind=rsi');
    await waitForCandles(page, 500);
    await page.locator('[data-indicator=rsi] [data-output=value]').waitFor();
    await page.getByTestId('liquidation-scroll').locator('tr[data-id]').first().waitFor();
    await expect.poll(() => liveStatus(page)).toBe('live');
    const idsBefore = await tableIds(page);
    const errorsBefore = consoleErrors.length;

    await stack.frontProxy!.cut();
    await expect.poll(() => liveStatus(page)).toBe('reconnecting');
    // While the screen is cut off, the market goes on.
    const event = await liquidation('BTCUSDT', '71000');
    await stack.ingest.liquidations.ingest.mutate({ events: [event] });
    const candle = await nextCandle('BTCUSDT', 0.97);
    await stack.ingest.candles.ingest.mutate({ symbol: 'BTCUSDT', interval: '1m', candles: [candle] });

    await stack.frontProxy!.restore();
    await expect.poll(() => liveStatus(page), { timeout: 60_000 }).toBe('live');
    // Resumed from the last event id: the missed liquidation and candle arrive without a reload.
    await page.waitForFunction(
      (t) => document.querySelector('[data-testid=last-candle]')?.getAttribute('data-time') === String(t),
      candle.time,
      { timeout: 30_000 },
    );
    expect(await page.getByTestId('last-close').innerText()).toBe(candle.close.toFixed(1));
    await expect.poll(async () => (await tableIds(page))[0]).toBeGreaterThan(idsBefore[0]!);
    const idsAfter = await tableIds(page);
    expect(new Set(idsAfter).size).toBe(idsAfter.length);
    // The missed row on top, then every row shown before, in order: resumed from the stream's
    // position (its first event), not reloaded, although no liquidation had come before the cut.
    expect(idsAfter).toEqual([idsAfter[0], ...idsBefore]);

    // The only console errors are the browser's own reports of the refused reconnects while cut.
    expect(consoleErrors.slice(0, errorsBefore)).toEqual([]);
    expect(consoleErrors.slice(errorsBefore).filter((e) => !/net::ERR_|EventSource/.test(e))).toEqual([]);
    await context.close();
  });

  it('four indicators ride one stream: all of them move, and queries still have connections', async () => {
    const layout = 'symbol=ETHUSDT&interval=1m&ind=rsi;ema:period=20;mom;sma:period=10';
    const { page, context, consoleErrors, trpcCalls } = await openScreen(browser, stack.origin, layout);
    await waitForCandles(page, 500);
    for (const name of ['rsi', 'ema', 'mom', 'sma']) await page.locator(`[data-indicator=${name}] [data-output=value]`).waitFor();
    // candles, liquidations and ONE indicators.liveMany for all four: HTTP/1.1 leaves three connections to queries.
    await expect.poll(() => page.getByTestId('live-status').getAttribute('data-streams')).toBe('3');
    await expect.poll(() => liveStatus(page)).toBe('live');
    const many = trpcCalls.filter((c) => c.paths[0] === 'indicators.liveMany');
    expect(many).toHaveLength(1);
    expect(trpcCalls.filter((c) => c.paths.includes('indicators.live'))).toEqual([]);
    const items = decodeURIComponent(many[0]!.url);
    for (const name of ['rsi', 'ema', 'mom', 'sma']) expect(items).toContain(`"indicator":"${name}"`);

    const values = () =>
      Promise.all(['rsi', 'ema', 'mom', 'sma'].map((n) => page.locator(`[data-indicator=${n}] [data-output=value]`).innerText()));
    const before = await values();
    const candle = await nextCandle('ETHUSDT', 1.08);
    await stack.ingest.candles.ingest.mutate({ symbol: 'ETHUSDT', interval: '1m', candles: [candle] });
    for (let i = 0; i < 4; i++) await expect.poll(async () => (await values())[i]).not.toBe(before[i]);
    // Pushed, not polled: another candle moves all four with no indicators.batch at all.
    const moved = await values();
    const batches = trpcCalls.filter((c) => c.paths.includes('indicators.batch')).length;
    const second = await nextCandle('ETHUSDT', 0.9);
    await stack.ingest.candles.ingest.mutate({ symbol: 'ETHUSDT', interval: '1m', candles: [second] });
    for (let i = 0; i < 4; i++) await expect.poll(async () => (await values())[i]).not.toBe(moved[i]);
    expect(trpcCalls.filter((c) => c.paths.includes('indicators.batch')).length).toBe(batches);

    // The table still pages while the streams are open.
    const count = page.getByTestId('liquidation-count');
    const shown = Number((await count.innerText()).split(' ')[0]);
    await page.getByRole('button', { name: 'Load more' }).click();
    await expect.poll(async () => Number((await count.innerText()).split(' ')[0])).toBeGreaterThan(shown);
    expect(consoleErrors).toEqual([]);
    await context.close();
  });
});
