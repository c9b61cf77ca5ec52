// The screen's benchmark (not a test): time to first chart and to 3 indicators drawn, cold (server
// cache cleared, fresh browser profile) and warm (server cache and browser HTTP cache warm), the JS
// bundle (gzip), and the page's heap before/after N minutes of live updates over the subscriptions
// (candles of every seeded symbol ingested at 2/s each, a liquidation every 5 s).
// pnpm --filter @wick/web bench -- --minutes 1   (needs services up and a build)
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, openScreen } from '../test/browser.ts';
import { startStack, type Stack } from '../test/stack.ts';

// BENCH_SMOKE=1 (the README test): one cold and one warm run, a few seconds of live updates.
const smoke = process.env.BENCH_SMOKE === '1';
const { values } = parseArgs({
  // pnpm 10 passes the `--` of `pnpm bench -- --minutes 1` on to the script.
  args: process.argv.slice(2).filter((a, i) => !(i === 0 && a === '--')),
  options: { minutes: { type: 'string', default: smoke ? '0.05' : '10' }, runs: { type: 'string', default: smoke ? '1' : '5' } },
});
if (smoke) console.log('web: smoke run (BENCH_SMOKE=1): 1 run each, 3 s of live updates; the figures mean nothing');
const minutes = Number(values.minutes);
const runs = Number(values.runs);
const LAYOUT = 'symbol=BTCUSDT&interval=1m&ind=rsi;macd;bbands&theme=dark';

const cpus = availableParallelism();
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function marks(page: Page): Promise<{ firstChart: number; threeIndicators: number }> {
  const at = (name: string) =>
    page
      .waitForFunction((n) => performance.getEntriesByName(n, 'mark')[0]?.startTime ?? 0, name, { timeout: 60_000 })
      .then((h) => h.jsonValue());
  return { firstChart: await at('wick:first-candles'), threeIndicators: await at('wick:indicators-drawn:3') };
}

async function timeRuns(browser: Browser, stack: Stack, cold: boolean) {
  const first: number[] = [];
  const three: number[] = [];
  // Warm: one browser profile, loaded once before the timed runs (its HTTP cache holds the hashed assets).
  const warm = cold ? null : await openScreen(browser, stack.origin, LAYOUT);
  if (warm) await marks(warm.page);
  for (let i = 0; i < runs; i++) {
    if (cold) await stack.server.cache.clear();
    const screen = warm ?? (await openScreen(browser, stack.origin, LAYOUT));
    if (warm) await warm.page.goto(`${stack.origin}/?${LAYOUT}`);
    const m = await marks(screen.page);
    first.push(m.firstChart);
    three.push(m.threeIndicators);
    if (!warm) await screen.context.close();
  }
  await warm?.context.close();
  return { first: median(first), three: median(three), all: first.map((f, i) => `${f.toFixed(0)}/${three[i]!.toFixed(0)}`).join(' ') };
}

/** One simulated market: the open 1m candle of a symbol moves twice a second, a new one opens every 30 ticks. */
async function market(stack: Stack, symbol: string) {
  const last = await stack.client.candles.range.query({ symbol, interval: '1m', limit: 1 });
  let time = last.candles.time[0]!;
  let price = last.candles.close[0]!;
  let ticks = 0;
  return {
    get time() {
      return time;
    },
    async tick() {
      if (ticks % 30 === 0) time += 60_000;
      const next = Math.round(price * (1 + (Math.random() - 0.5) * 0.002) * 100) / 100;
      await stack.ingest.candles.ingest.mutate({
        symbol,
        interval: '1m',
        candles: [{ time, open: price, high: Math.max(price, next), low: Math.min(price, next), close: next, volume: 1 }],
      });
      price = next;
      ticks += 1;
      return price;
    },
  };
}

const dist = fileURLToPath(new URL('../dist/assets/', import.meta.url));
const js = readdirSync(dist).filter((f) => f.endsWith('.js'));
const raw = js.reduce((s, f) => s + readFileSync(dist + f).length, 0);
const gz = js.reduce((s, f) => s + gzipSync(readFileSync(dist + f)).length, 0);

const stack = await startStack('bench');
const browser = await launchBrowser();
try {
  const cold = await timeRuns(browser, stack, true);
  const warm = await timeRuns(browser, stack, false);

  const { page, context } = await openScreen(browser, stack.origin, LAYOUT);
  await marks(page);
  const cdp = await context.newCDPSession(page);
  const heap = async () => {
    await cdp.send('HeapProfiler.collectGarbage');
    return (await cdp.send('Runtime.getHeapUsage')).usedSize;
  };
  const before = await heap();
  const heaps = [before];
  const load = [loadavg()[0]!];
  const symbols = (await stack.client.symbols.list.query()).symbols.map((x) => x.name);
  const markets = await Promise.all(symbols.map((sym) => market(stack, sym)));
  const end = Date.now() + minutes * 60_000;
  let ticks = 0;
  let liquidations = 0;
  let lastPrice = 0;
  while (Date.now() < end) {
    const prices = await Promise.all(markets.map((m) => m.tick()));
    lastPrice = prices[0]!;
    ticks += markets.length;
    if (ticks % (10 * markets.length) === 0) {
      const price = lastPrice.toFixed(2);
      const [head] = (await stack.client.liquidations.list.query({ limit: 1 })).rows;
      await stack.ingest.liquidations.ingest.mutate({
        events: [
          {
            symbol: symbols[0]!,
            side: liquidations % 2 === 0 ? 'SELL' : 'BUY',
            orderType: 'LIMIT',
            timeInForce: 'IOC',
            originalQuantity: '0.5',
            price,
            averagePrice: price,
            orderStatus: 'FILLED',
            lastFillQuantity: '0.5',
            accumulatedFillQuantity: '0.5',
            orderTradeTime: Math.max(head?.orderTradeTime ?? 0, markets[0]!.time) + 1,
          },
        ],
      });
      liquidations += 1;
    }
    if (ticks % (120 * markets.length) === 0) load.push(loadavg()[0]!);
    if (ticks % (300 * markets.length) === 0) heaps.push(await heap());
    await new Promise((r) => setTimeout(r, 500));
  }
  load.push(loadavg()[0]!);
  // The screen followed: its last candle is the last one ingested.
  await page.waitForFunction(
    (t) => document.querySelector('[data-testid=last-candle]')?.getAttribute('data-time') === String(t),
    markets[0]!.time,
  );
  const followed = {
    candles: await page.getByTestId('chart').getAttribute('data-candles'),
    status: await page.getByTestId('live-status').getAttribute('data-status'),
    streams: await page.getByTestId('live-status').getAttribute('data-streams'),
  };
  const after = await heap();
  await context.close();

  const mb = (b: number) => `${(b / 1024 / 1024).toFixed(1)} MB`;
  console.log(`\nWick screen benchmark (Chromium ${browser.version()}, served by ${stack.servedBy}, ${runs} runs each, medians)`);
  console.log('| what | cold server cache | warm server cache |');
  console.log('|---|---|---|');
  console.log(`| navigation start → first candles painted | ${cold.first.toFixed(0)} ms | ${warm.first.toFixed(0)} ms |`);
  console.log(`| navigation start → RSI, MACD, BBANDS drawn | ${cold.three.toFixed(0)} ms | ${warm.three.toFixed(0)} ms |`);
  console.log(`runs (first/three, ms): cold ${cold.all}; warm ${warm.all}`);
  console.log(`JS bundle: ${(raw / 1024).toFixed(0)} kB, ${(gz / 1024).toFixed(1)} kB gzip`);
  console.log(
    `heap after GC: ${mb(before)} before, ${mb(after)} after ${minutes} min of live updates ` +
      `(${ticks} candle ingests over ${markets.length} symbols, ${liquidations} liquidations; screen at the end: ` +
      `${followed.candles} candles, ${followed.status}, ${followed.streams} streams)`,
  );
  console.log(`heap after GC every 2.5 min: ${heaps.concat(after).map(mb).join(' → ')}`);
  console.log(`load average (1 min) during the live run: ${load.map((l) => l.toFixed(1)).join(' → ')} (${cpus} cores)`);
} finally {
  await browser.close();
  await stack.close();
}
