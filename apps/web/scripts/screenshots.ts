// Screenshots of the main states into docs/screenshots/ (pnpm --filter @wick/web screenshots).
// Needs the services up (pnpm services:up) and a build (pnpm --filter @wick/web build).
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { launchBrowser, openScreen, waitForCandles } from '../test/browser.ts';
import { startStack } from '../test/stack.ts';

const out = fileURLToPath(new URL('../../../docs/screenshots/', import.meta.url));
mkdirSync(out, { recursive: true });
const LAYOUT = 'symbol=BTCUSDT&interval=15m&ind=bbands;ema:period=50;rsi;macd';

const stack = await startStack('shots', { dbProxy: true, env: { WICK_CACHE_TTL: '{"15m":{"recent":600}}' } });
const browser = await launchBrowser();
try {
  const shot = async (name: string, query: string, prepare?: (page: Page) => Promise<void>) => {
    const { page, context } = await openScreen(browser, stack.origin, query, { width: 1440, height: 1100 });
    await waitForCandles(page, 100);
    await page.waitForFunction(
      () => document.querySelectorAll('[data-testid=indicator-values] span').length > 0 || document.querySelector('.field-error'),
      undefined,
      { timeout: 90_000 },
    );
    await page.waitForSelector('[data-testid=liquidation-scroll] tr[data-id]');
    await prepare?.(page);
    await page.waitForTimeout(800); // let the system panel's first poll land (a picture, not a test)
    await page.screenshot({ path: `${out}${name}.png` });
    console.log(`wrote docs/screenshots/${name}.png`);
    await context.close();
  };
  await shot('dashboard-dark', `${LAYOUT}&theme=dark`);
  await shot('dashboard-light', `${LAYOUT}&theme=light`);
  await shot('invalid-param', 'symbol=BTCUSDT&interval=15m&ind=rsi:period=1&theme=dark', (page) =>
    page.waitForSelector('.field-error[data-field=period]').then(() => undefined),
  );
  await shot('database-down', `${LAYOUT}&theme=dark`, async (page) => {
    await stack.dbProxy!.cut();
    await page.getByTestId('db-down-banner').waitFor();
  });
  await stack.dbProxy!.restore();
} finally {
  await browser.close();
  await stack.close();
}
