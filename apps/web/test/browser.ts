import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** Debian's Chromium (scripts/chromium.sh installs it); playwright's own download cannot work here. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/lib/chromium/chromium';

/** Without these, Chromium keeps dialling Google's hosts, which this closed network refuses. */
const QUIET = ['--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

export function launchBrowser(): Promise<Browser> {
  // Headless, a fresh temporary profile per launch; as root playwright adds --no-sandbox.
  return chromium.launch({ executablePath: CHROMIUM, args: QUIET });
}

export interface Screen {
  context: BrowserContext;
  page: Page;
  /** console.error lines and uncaught exceptions of the page. */
  consoleErrors: string[];
  /** Every tRPC request the page made, as "<paths> <url>". */
  trpcCalls: { paths: string[]; url: string }[];
}

/** A fresh browser context (own storage, so no layout leaks between tests) on the dashboard. */
export async function openScreen(browser: Browser, origin: string, query = '', viewport = { width: 1440, height: 1000 }): Promise<Screen> {
  const context = await browser.newContext({ viewport, acceptDownloads: true });
  const page = await context.newPage();
  const consoleErrors: string[] = [];
  const trpcCalls: Screen['trpcCalls'] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
  page.on('request', (r) => {
    const url = new URL(r.url());
    if (url.pathname.startsWith('/trpc/')) trpcCalls.push({ paths: url.pathname.slice(6).split(','), url: r.url() });
  });
  await page.goto(`${origin}/${query ? `?${query}` : ''}`);
  return { context, page, consoleErrors, trpcCalls };
}

/** Waits until the chart holds at least `n` candles. */
export async function waitForCandles(page: Page, n = 1): Promise<void> {
  await page.waitForFunction((min) => Number(document.querySelector('[data-testid=chart]')?.getAttribute('data-candles') ?? 0) >= min, n);
}

/**
 * Pixels of the chart's canvases in the candle colours (up or down, theme-aware): what a
 * person sees as drawn candles, not what the data says.
 */
export function candlePixels(page: Page): Promise<number> {
  return page.evaluate(() => {
    const light = document.documentElement.dataset.theme === 'light';
    const colours = light
      ? [
          [8, 153, 129],
          [242, 54, 69],
        ]
      : [
          [38, 166, 154],
          [239, 83, 80],
        ];
    let count = 0;
    for (const canvas of document.querySelectorAll<HTMLCanvasElement>('[data-testid=chart] canvas')) {
      const ctx = canvas.getContext('2d');
      if (!ctx || canvas.width === 0 || canvas.height === 0) continue;
      const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
      for (let i = 0; i < data.length; i += 4) {
        if (colours.some(([r, g, b]) => Math.abs(data[i]! - r!) + Math.abs(data[i + 1]! - g!) + Math.abs(data[i + 2]! - b!) < 12)) count++;
      }
    }
    return count;
  });
}

export function paneCount(page: Page): Promise<number> {
  return page.locator('[data-testid=chart]').evaluate((el) => Number((el as HTMLElement).dataset.panes ?? 0));
}
