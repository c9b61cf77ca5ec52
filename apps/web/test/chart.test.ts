import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { candlePixels, launchBrowser, openScreen, paneCount, waitForCandles } from './browser.ts';
import { startStack, type Stack } from './stack.ts';

let stack: Stack;
let browser: Browser;
beforeAll(async () => {
  [stack, browser] = await Promise.all([startStack('chart'), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

describe('the chart', () => {
  it('loads with no console errors and draws candles on the canvas', async () => {
    const { page, consoleErrors, context } = await openScreen(browser, stack.origin);
    await waitForCandles(page, 500);
    await expect.poll(() => candlePixels(page)).toBeGreaterThan(1000);
    expect(await page.locator('select[aria-label=Symbol]').inputValue()).toBe('BTCUSDT');
    // price, volume, liquidations
    expect(await paneCount(page)).toBe(3);
    expect(consoleErrors).toEqual([]);
    await context.close();
  });

  it('switching symbol and interval with the pickers shows that series', async () => {
    const { page, context } = await openScreen(browser, stack.origin);
    await waitForCandles(page, 500);
    await page.locator('select[aria-label=Symbol]').selectOption('ETHUSDT');
    await page.getByRole('radio', { name: '1h' }).click();
    await expect.poll(() => page.getByTestId('legend').innerText()).toContain('ETHUSDT · 1h');
    const expected = await stack.client.candles.range.query({ symbol: 'ETHUSDT', interval: '1h', limit: 500 });
    await waitForCandles(page, expected.candles.time.length);
    expect(await page.getByTestId('last-candle').getAttribute('data-time')).toBe(String(expected.candles.time.at(-1)));
    await context.close();
  });

  it('scrolling left loads older candles through candles.range with `to`', async () => {
    const { page, context, trpcCalls } = await openScreen(browser, stack.origin);
    await waitForCandles(page, 500);
    const chart = page.getByTestId('chart');
    const box = (await chart.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 4);
    for (let i = 0; i < 40 && Number(await chart.getAttribute('data-candles')) <= 500; i++) {
      await page.mouse.down();
      await page.mouse.move(box.x + box.width - 10, box.y + box.height / 4, { steps: 4 });
      await page.mouse.up();
      await page.mouse.move(box.x + 10, box.y + box.height / 4);
    }
    await waitForCandles(page, 1000);
    const history = trpcCalls.filter((c) => c.paths.includes('candles.range') && decodeURIComponent(c.url).includes('"to":'));
    expect(history.length).toBeGreaterThanOrEqual(1);
    // Candles travel alone, the first page too: a batch would hold them until its slowest call answers.
    const ranges = trpcCalls.filter((c) => c.paths.includes('candles.range'));
    expect(ranges.length).toBe(history.length + 1);
    expect(ranges.filter((c) => c.paths.length !== 1 || new URL(c.url).searchParams.has('batch'))).toEqual([]);
    await context.close();
  });

  it('the layout survives a reload', async () => {
    const { page, context } = await openScreen(browser, stack.origin, 'symbol=ETHUSDT&interval=5m&ind=ema:period=50&theme=light');
    await waitForCandles(page, 100);
    await expect.poll(() => page.locator('[data-indicator=ema]').count()).toBe(1);
    await page.goto(`${stack.origin}/`); // no query: localStorage brings the layout back
    await waitForCandles(page, 100);
    expect(await page.getByTestId('legend').innerText()).toContain('ETHUSDT · 5m');
    expect(await page.locator('[data-indicator=ema]').innerText()).toContain('EMA(50)');
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('light');
    await context.close();
  });
});
