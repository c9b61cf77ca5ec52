import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openScreen, paneCount, waitForCandles } from './browser.ts';
import { startStack, type Stack } from './stack.ts';

let stack: Stack;
let browser: Browser;
beforeAll(async () => {
  [stack, browser] = await Promise.all([startStack('indicators'), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

describe('indicators', () => {
  it('adding RSI adds a pane and costs exactly one HTTP request, a batch of every indicator on screen', async () => {
    const { page, context, trpcCalls } = await openScreen(browser, stack.origin, 'symbol=BTCUSDT&interval=1m&ind=ema:period=50');
    await waitForCandles(page, 500);
    await page.locator('[data-indicator=ema] [data-output=value]').waitFor();
    await page.getByRole('button', { name: 'Pause live' }).click(); // no live ticks in the count (the system panel's polls are not indicator calls)
    const panesBefore = await paneCount(page);
    const before = trpcCalls.length;

    await page.getByLabel('Add indicator').selectOption('rsi');
    await page.getByRole('button', { name: 'Add RSI' }).click();
    await page.locator('[data-indicator=rsi] [data-output=value]').waitFor();

    expect(await paneCount(page)).toBe(panesBefore + 1);
    const calls = trpcCalls.slice(before).filter((c) => c.paths.some((p) => p.startsWith('indicators.')));
    expect(calls).toHaveLength(1);
    expect(calls[0]!.paths).toEqual(['indicators.batch']);
    const input = decodeURIComponent(calls[0]!.url);
    expect(input).toContain('"indicator":"ema"');
    expect(input).toContain('"indicator":"rsi"');
    await context.close();
  });

  it('each output goes where the catalog places it: prices on the price pane, the rest in a pane of the indicator', async () => {
    const { page, context } = await openScreen(browser, stack.origin, 'symbol=BTCUSDT&interval=5m&ind=bbands;psar;macd;stoch');
    await waitForCandles(page, 100);
    // BBANDS: upper, middle, lower on the candles, percentB and bandwidth in its pane; PSAR on the candles; MACD and STOCH in theirs.
    await expect.poll(() => page.locator('[data-testid=indicator-values] span').count()).toBe(5 + 1 + 3 + 2);
    expect(await paneCount(page)).toBe(3 + 3);
    await context.close();
  });

  it('an invalid param shows the API field error next to the field', async () => {
    const { page, context } = await openScreen(browser, stack.origin, 'symbol=BTCUSDT&interval=1m');
    await waitForCandles(page, 100);
    await page.getByLabel('Add indicator').selectOption('rsi');
    await page.getByLabel('period').fill('1');
    await page.getByRole('button', { name: 'Add RSI' }).click();
    const error = page.locator('[data-indicator=rsi] .field-error[data-field=period]');
    await error.waitFor();
    expect(await error.innerText()).toMatch(/>=\s*2/);
    expect(await page.locator('[data-indicator=rsi] input[name=period]').getAttribute('aria-invalid')).toBe('true');

    await page.locator('[data-indicator=rsi] input[name=period]').fill('21');
    await page.locator('[data-indicator=rsi]').getByRole('button', { name: 'Apply' }).click();
    await page.locator('[data-indicator=rsi] [data-output=value]').waitFor();
    expect(await page.locator('.field-error').count()).toBe(0);
    await context.close();
  });
});
