import { readFile } from 'node:fs/promises';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openScreen, waitForCandles } from './browser.ts';
import { startStack, type Stack } from './stack.ts';

let stack: Stack;
let browser: Browser;
beforeAll(async () => {
  [stack, browser] = await Promise.all([startStack('liquidations'), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

async function countThroughApi(filters: { symbol: string; side: 'SELL'; minUsd: number }): Promise<number> {
  let count = 0;
  let cursor: string | undefined;
  do {
    const page = await stack.client.liquidations.list.query({ ...filters, limit: 1000, ...(cursor ? { cursor } : {}) });
    count += page.rows.length;
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return count;
}

describe('liquidations', () => {
  it('the table scrolls through 3 pages with no duplicate ids, in keyset order', async () => {
    const { page, context, trpcCalls } = await openScreen(browser, stack.origin, 'symbol=BTCUSDT&interval=1m');
    const scroller = page.getByTestId('liquidation-scroll');
    await scroller.locator('tr[data-id]').first().waitFor();
    for (let i = 0; i < 30 && (await scroller.locator('tr[data-id]').count()) < 150; i++) {
      await scroller.evaluate((el) => el.scrollTo(0, el.scrollHeight));
      await page.waitForTimeout(100);
    }
    const rows = await scroller
      .locator('tr[data-id]')
      .evaluateAll((trs) => trs.map((tr) => ({ id: Number(tr.getAttribute('data-id')), time: Number(tr.getAttribute('data-time')) })));
    expect(rows.length).toBeGreaterThanOrEqual(150);
    expect(new Set(rows.map((r) => r.id)).size).toBe(rows.length);
    for (let i = 1; i < rows.length; i++) {
      const [a, b] = [rows[i - 1]!, rows[i]!];
      expect(a.time > b.time || (a.time === b.time && a.id > b.id)).toBe(true);
    }
    const withCursor = trpcCalls.filter((c) => c.paths.includes('liquidations.list') && decodeURIComponent(c.url).includes('"cursor":'));
    expect(withCursor.length).toBeGreaterThanOrEqual(2);
    // the same rows the API gives for the first 150, in the same order: no gap either
    const expected: number[] = [];
    let cursor: string | undefined;
    while (expected.length < 150) {
      const p = await stack.client.liquidations.list.query({ symbol: 'BTCUSDT', limit: 50, ...(cursor ? { cursor } : {}) });
      expected.push(...p.rows.map((r) => r.id));
      cursor = p.nextCursor ?? undefined;
    }
    expect(rows.slice(0, 150).map((r) => r.id)).toEqual(expected.slice(0, 150));
    await context.close();
  });

  it('the table is walked with the keyboard, loading pages as focus reaches the end', async () => {
    const { page, context } = await openScreen(browser, stack.origin, 'symbol=BTCUSDT&interval=1m');
    const scroller = page.getByTestId('liquidation-scroll');
    await scroller.locator('tr[data-id]').first().focus();
    const focusedIndex = () => page.evaluate(() => Number(document.activeElement?.getAttribute('data-index') ?? -1));
    // Walk past the first page (50 rows): the next one loads as focus nears the end.
    for (let i = 0; i < 60 && (await focusedIndex()) < 120; i++) {
      await page.keyboard.press('PageDown');
      await page.waitForTimeout(50);
    }
    expect(await focusedIndex()).toBeGreaterThanOrEqual(120);
    expect(await scroller.locator('tr[data-id]').count()).toBeGreaterThan(120);
    await context.close();
  });

  it('the export button carries the filters and downloads the matching rows', async () => {
    const { page, context } = await openScreen(browser, stack.origin, 'symbol=BTCUSDT&interval=1m');
    await waitForCandles(page, 10);
    await page.getByLabel('Side').selectOption('SELL');
    await page.getByLabel('Minimum USD').fill('5000');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    const link = page.getByTestId('export-csv');
    await expect.poll(() => link.getAttribute('href')).toBe('/export/liquidations.csv?symbol=BTCUSDT&side=SELL&minUsd=5000');
    await page.getByTestId('liquidation-scroll').locator('tr[data-id]').first().waitFor();
    expect(await page.getByTestId('liquidation-scroll').locator('td.up').count()).toBe(0); // only longs (SELL) listed

    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    const text = await readFile((await download.path())!, 'utf8');
    const lines = text.trimEnd().split('\r\n');
    expect(lines[0]).toMatch(/^id,symbol,side,/);
    const expected = await countThroughApi({ symbol: 'BTCUSDT', side: 'SELL', minUsd: 5000 });
    expect(expected).toBeGreaterThan(0);
    expect(lines.length - 1).toBe(expected);
    expect(lines.slice(1).every((l) => l.split(',')[2] === 'SELL')).toBe(true);
    await context.close();
  });
});
