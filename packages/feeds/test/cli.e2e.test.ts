// The two CLIs as `pnpm feed:sim` / `pnpm feed:binance` run them, against a real Wick server.
import { createWickClient, type WickClient } from '@wick/client';
import { candleOpenTime } from '@wick/market';
import { INGEST_KEY, startWick, type Wick } from '@wick/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './support/cli-process.ts';
import { FakeBinance, klineFrame } from './support/fake-binance.ts';
import { waitUntil } from './support/wait-until.ts';

let wick: Wick;
let client: WickClient;

async function latest(symbol: string): Promise<{ time: number; close: number } | undefined> {
  const { candles } = await client.candles.range.query({ symbol, interval: '1m', limit: 1 });
  return candles.time[0] === undefined ? undefined : { time: candles.time[0], close: candles.close[0]! };
}

async function pollLatest(symbol: string, ok: (c: { time: number; close: number }) => boolean): Promise<void> {
  const deadline = performance.now() + 60_000;
  for (;;) {
    const c = await latest(symbol);
    if (c && ok(c)) return;
    if (performance.now() > deadline) throw new Error(`${symbol} never reached the expected state (latest ${JSON.stringify(c)})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  wick = await startWick('feeds_cli');
  client = createWickClient({ url: wick.url });
});
afterAll(() => wick?.close());

describe('pnpm feed:sim', () => {
  it('runs for --duration with the key from the environment, then exits 0', async () => {
    const startMinute = candleOpenTime('1m', Date.now());
    const sim = runCli('sim', ['--url', wick.url, '--symbols', 'BTCUSDT', '--rate', '4', '--duration', '3s'], {
      INGEST_API_KEYS: ` ${INGEST_KEY},other`,
    });
    expect(await sim.exited).toBe(0);
    const stopped = sim.lines().find((l) => l.msg === 'simulator stopped') as { candlesSent?: number; unauthorized?: number } | undefined;
    expect(stopped?.unauthorized).toBe(0);
    expect(stopped?.candlesSent).toBeGreaterThan(0);
    // It continued the fixture (which ends in 2024) up to the present minute.
    expect((await latest('BTCUSDT'))!.time).toBeGreaterThanOrEqual(startMinute);
  });

  it('stops cleanly on SIGINT', async () => {
    const before = await latest('ETHUSDT');
    const sim = runCli('sim', ['--url', wick.url, '--key', INGEST_KEY, '--symbols', 'ETHUSDT']);
    await pollLatest('ETHUSDT', (c) => c.time !== before!.time || c.close !== before!.close);
    sim.child.kill('SIGINT');
    expect(await sim.exited).toBe(0);
    const msgs = sim.lines().map((l) => l.msg);
    expect(msgs).toContain('stopping: finishing the ingest in flight');
    expect(msgs.at(-1)).toBe('simulator stopped');
  });

  it('explains a bad flag and exits 2', async () => {
    const sim = runCli('sim', ['--rate', 'fast']);
    expect(await sim.exited).toBe(2);
  });
});

describe('pnpm feed:binance', () => {
  it('writes what the stream sends and stops cleanly on SIGTERM', async () => {
    const binance = await FakeBinance.start();
    try {
      const t = candleOpenTime('1m', Date.now()) + 3600_000;
      const connector = runCli(
        'binance',
        ['--symbols', 'BTCUSDT', '--url', wick.url, '--ws-url', binance.wsUrl, '--rest-url', binance.restUrl],
        { WICK_INGEST_KEY: INGEST_KEY },
      );
      const socket = await binance.connection(0);
      expect(socket.streams).toEqual(['btcusdt@kline_1m', 'btcusdt@forceOrder']);
      socket.send(
        klineFrame('BTCUSDT', { time: t, open: 50_000, high: 50_100, low: 49_900, close: 50_050.5, volume: 12.5 }, { eventTime: t + 1000 }),
      );
      await pollLatest('BTCUSDT', (c) => c.time === t && c.close === 50_050.5);
      connector.child.kill('SIGTERM');
      expect(await connector.exited).toBe(0);
      await waitUntil('the stream to be closed', () => !socket.open);
      expect(connector.lines().map((l) => l.msg)).toContain('binance connector stopped');
    } finally {
      await binance.close();
    }
  });
});
