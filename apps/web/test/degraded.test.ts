import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { candlePixels, launchBrowser, openScreen, waitForCandles } from './browser.ts';
import { startStack, type Stack } from './stack.ts';

let stack: Stack;
let browser: Browser;
beforeAll(async () => {
  // Windows touching the open candle stay cached for the length of the test, so "cached" is what is shown.
  [stack, browser] = await Promise.all([
    startStack('degraded', { dbProxy: true, env: { WICK_CACHE_TTL: '{"1m":{"recent":300}}' } }),
    launchBrowser(),
  ]);
});
afterAll(async () => {
  await stack?.dbProxy?.restore().catch(() => undefined);
  await browser?.close();
  await stack?.close();
});

describe('database down', () => {
  it('shows the banner while the cached chart stays, also after a reload', async () => {
    const { page, context } = await openScreen(browser, stack.origin, 'symbol=BTCUSDT&interval=1m&ind=rsi');
    await waitForCandles(page, 500);
    await page.locator('[data-indicator=rsi] [data-output=value]').waitFor();
    expect(await page.getByTestId('db-down-banner').count()).toBe(0);

    await stack.dbProxy!.cut();
    await page.getByTestId('db-down-banner').waitFor();
    expect(await candlePixels(page)).toBeGreaterThan(1000);
    expect(await page.getByTestId('db-state').innerText()).toBe('down');

    await page.reload();
    await waitForCandles(page, 500);
    await page.getByTestId('db-down-banner').waitFor();
    await expect.poll(() => candlePixels(page)).toBeGreaterThan(1000);
    expect(await page.getByTestId('legend').innerText()).toMatch(/candles (hit|stale)/);

    await stack.dbProxy!.restore();
    await page.getByTestId('db-down-banner').waitFor({ state: 'detached' });
    await context.close();
  });
});
