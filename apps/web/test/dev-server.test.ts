import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { createServer, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openScreen, waitForCandles } from './browser.ts';
import { startStack, type Stack } from './stack.ts';

let stack: Stack;
let browser: Browser;
let dev: ViteDevServer;
beforeAll(async () => {
  [stack, browser] = await Promise.all([startStack('dev'), launchBrowser()]);
  // What `pnpm --filter @wick/web dev` runs: vite.config.ts, its proxy aimed at a running server by WICK_API.
  process.env.WICK_API = stack.server.url;
  dev = await createServer({
    root: fileURLToPath(new URL('..', import.meta.url)),
    logLevel: 'silent',
    server: { host: '127.0.0.1', port: 0 },
  });
  await dev.listen();
});
afterAll(async () => {
  await dev?.close();
  await browser?.close();
  await stack?.close();
});

describe('pnpm --filter @wick/web dev', () => {
  it('serves the app from source, proxies queries and live streams to the server', async () => {
    const origin = dev.resolvedUrls!.local[0]!.replace(/\/$/, '');
    const { page, context, consoleErrors } = await openScreen(browser, origin, 'symbol=BTCUSDT&interval=1m');
    await waitForCandles(page, 500);
    await expect.poll(() => page.getByTestId('live-status').getAttribute('data-status')).toBe('live');

    const last = await stack.client.candles.range.query({ symbol: 'BTCUSDT', interval: '1m', limit: 1 });
    const time = last.candles.time[0]! + 60_000;
    const open = last.candles.close[0]!;
    await stack.ingest.candles.ingest.mutate({
      symbol: 'BTCUSDT',
      interval: '1m',
      candles: [{ time, open, high: open + 10, low: open - 10, close: open + 5, volume: 3 }],
    });
    await page.waitForFunction((t) => document.querySelector('[data-testid=last-candle]')?.getAttribute('data-time') === String(t), time);
    expect(consoleErrors).toEqual([]);
    await context.close();
  });
});
