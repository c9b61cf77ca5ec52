// The screen's benchmark (not a test): time to first chart and to 3 indicators drawn, cold and
// warm server cache, the JS bundle (gzip), and the page's heap before/after N minutes of live
// updates. pnpm --filter @wick/web bench -- --minutes 1   (needs services up and a build)
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, openScreen } from '../test/browser.ts';
import { startStack, type Stack } from '../test/stack.ts';

const { values } = parseArgs({ options: { minutes: { type: 'string', default: '10' }, runs: { type: 'string', default: '5' } } });
const minutes = Number(values.minutes);
const runs = Number(values.runs);
const LAYOUT = 'symbol=BTCUSDT&interval=1m&ind=rsi;macd;bbands&theme=dark';

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
  for (let i = 0; i < runs; i++) {
    if (cold) await stack.server.cache.clear();
    const { page, context } = await openScreen(browser, stack.origin, LAYOUT);
    const m = await marks(page);
    first.push(m.firstChart);
    three.push(m.threeIndicators);
    await context.close();
  }
  return { first: median(first), three: median(three), all: first.map((f, i) => `${f.toFixed(0)}/${three[i]!.toFixed(0)}`).join(' ') };
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
  const last = await stack.client.candles.range.query({ symbol: 'BTCUSDT', interval: '1m', limit: 1 });
  let time = last.candles.time[0]!;
  let price = last.candles.close[0]!;
  const end = Date.now() + minutes * 60_000;
  let ticks = 0;
  while (Date.now() < end) {
    // Two updates of the open candle per second, a new candle every 30 ticks: a busy live series.
    if (ticks % 30 === 0) time += 60_000;
    const next = Math.round(price * (1 + (Math.random() - 0.5) * 0.002) * 10) / 10;
    await stack.ingest.candles.ingest.mutate({
      symbol: 'BTCUSDT',
      interval: '1m',
      candles: [{ time, open: price, high: Math.max(price, next), low: Math.min(price, next), close: next, volume: 1 }],
    });
    price = next;
    ticks += 1;
    await new Promise((r) => setTimeout(r, 500));
  }
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
  console.log(`heap after GC: ${mb(before)} before, ${mb(after)} after ${minutes} min of live updates (${ticks} ingests)`);
} finally {
  await browser.close();
  await stack.close();
}
