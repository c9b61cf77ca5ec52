import type { Logger } from 'pino';
import { SeededRandom } from '@wick/market';
import { Backoff } from '../backoff.ts';
import type { Clock } from '../clock.ts';
import { classifyIngestError } from '../ingest-error.ts';
import type { IngestSink } from '../ingest-sink.ts';
import { IngestOutbox, type OutboxStats } from '../ingest/ingest-outbox.ts';
import type { MarketSource } from './market-source.ts';

import { SymbolMarket } from './symbol-market.ts';

export interface SimulatorOptions {
  sink: IngestSink;
  source: MarketSource;
  clock: Clock;
  log: Logger;
  /** Symbols to move; default: every active symbol with stored 1m candles. */
  symbols?: string[];
  /** Updates per second per symbol. Default 2. */
  rate?: number;
  /** PRNG seed: the same seed and stored candles give the same market. Default 1. */
  seed?: number;
  /** Stop after this long (clock time); default: until `signal` aborts. */
  durationMs?: number;
  signal?: AbortSignal;
  /** Status line period (clock time). Default 10 s. */
  statusEveryMs?: number;
  /** Stored candles read per symbol to learn its decimals, volatility and volume. Default 60. */
  historyCandles?: number;
  /** At the end, how long (clock time) to keep trying to deliver what is pending. Default 5 s. */
  drainMs?: number;
  /** Missing minutes before now that get filled when the stored candles end in the past. Default 1,440 (a day). */
  maxGapFillMinutes?: number;
}

export interface SimulatorReport {
  symbols: string[];
  ticks: number;
  liquidationsGenerated: number;
  outbox: OutboxStats;
}

export const DEFAULT_RATE = 2;

/**
 * The market simulator: continues the stored 1m candles of each symbol at `rate` updates per
 * second, closes each candle on its minute boundary (the next opens at its close), and emits
 * liquidations where price moves fast. Everything goes through the sink; API errors are absorbed
 * by the outbox (waits, back-off, skips), so the loop never stops for them.
 */
export async function runSimulator(options: SimulatorOptions): Promise<SimulatorReport> {
  const { clock, log, signal } = options;
  const rate = options.rate ?? DEFAULT_RATE;
  if (!(rate > 0 && rate <= 50)) throw new RangeError(`rate must be in (0, 50] updates/s, got ${rate}`);
  const periodMs = 1000 / rate;
  const statusEveryMs = options.statusEveryMs ?? 10_000;
  const random = new SeededRandom(options.seed ?? 1);
  const outbox = new IngestOutbox(options.sink, { clock, log });

  const markets = await loadMarkets(options, random);
  if (markets.length === 0) {
    throw new Error('No symbol has 1m candles to continue: seed the database first (pnpm db:seed) or pass --symbols with seeded symbols.');
  }
  const report: SimulatorReport = { symbols: markets.map((m) => m.symbol), ticks: 0, liquidationsGenerated: 0, outbox: outbox.stats };
  log.info({ symbols: report.symbols, rate }, 'simulating');

  const start = clock.now();
  const deadline = options.durationMs === undefined ? Infinity : start + options.durationMs;
  // Gaps behind the stored candles are filled first (no liquidations in the past).
  for (const m of markets) m.advance(start, false).candles.forEach((c) => outbox.putCandle(m.symbol, c));
  await outbox.flush();

  let nextTick = start + periodMs;
  // Status rates count from here: the gap fill is not an update rate.
  let lastStatus = { at: start, candles: outbox.stats.candlesSent, liquidations: 0 };
  while (!signal?.aborted && clock.now() < deadline) {
    await clock.sleep(Math.min(nextTick, deadline) - clock.now(), signal);
    if (signal?.aborted) break;
    const now = clock.now();
    // Behind schedule (a slow flush, a paused process): skip the missed ticks, the walk covers the time.
    nextTick = Math.max(nextTick + periodMs, now + periodMs / 2);
    for (const m of markets) {
      const update = m.advance(now);
      for (const c of update.candles) outbox.putCandle(m.symbol, c);
      outbox.putLiquidations(update.liquidations);
      report.liquidationsGenerated += update.liquidations.length;
    }
    report.ticks += 1;
    await outbox.flush();
    if (now - lastStatus.at >= statusEveryMs) lastStatus = logStatus(log, report, outbox, lastStatus, now);
  }
  // Finish what is in flight, then deliver what is still pending (waiting out a Retry-After, briefly).
  await outbox.idle();
  await outbox.drain(options.drainMs ?? 5000);
  log.info({ ticks: report.ticks, ...outbox.stats, pending: outbox.pending }, 'simulator stopped');
  return report;
}

function logStatus(
  log: Logger,
  report: SimulatorReport,
  outbox: IngestOutbox,
  last: { at: number; candles: number; liquidations: number },
  now: number,
): { at: number; candles: number; liquidations: number } {
  const s = outbox.stats;
  const seconds = (now - last.at) / 1000;
  log.info(
    {
      updatesPerSecond: Math.round(((s.candlesSent - last.candles) / seconds) * 10) / 10,
      liquidations: s.liquidationsSent - last.liquidations,
      errors: { rateLimited: s.rateLimited, unavailable: s.unavailable, unauthorized: s.unauthorized, rejected: s.rejected },
      pending: outbox.pending,
      ticks: report.ticks,
    },
    'status',
  );
  return { at: now, candles: s.candlesSent, liquidations: s.liquidationsSent };
}

/** Each symbol's latest stored candles, asked until the API answers (it may still be starting). */
async function loadMarkets(options: SimulatorOptions, random: SeededRandom): Promise<SymbolMarket[]> {
  const { source, clock, log, signal } = options;
  const backoff = new Backoff({ initialMs: 500, maxMs: 10_000 });
  for (;;) {
    try {
      const names = options.symbols ?? (await source.listSymbols());
      const markets: SymbolMarket[] = [];
      for (const symbol of names) {
        const history = await source.latestCandles(symbol, options.historyCandles ?? 60).catch((err: unknown) => {
          const failure = classifyIngestError(err);
          if (failure.kind !== 'rejected') throw err;
          log.warn({ symbol, error: failure.message }, 'symbol skipped: the API refused it');
          return [];
        });
        if (history.length === 0) {
          log.warn({ symbol }, 'symbol skipped: no stored 1m candles to continue');
          continue;
        }
        const market = new SymbolMarket({
          symbol,
          history,
          now: clock.now(),
          random: random.fork(symbol),
          maxGapFillMinutes: options.maxGapFillMinutes ?? 1440,
        });
        if (market.skippedMinutes > 0)
          log.warn({ symbol, minutes: market.skippedMinutes }, 'stored candles end long ago: older part of the gap left empty');
        markets.push(market);
      }
      return markets;
    } catch (err) {
      const failure = classifyIngestError(err);
      if (failure.kind === 'rejected' || signal?.aborted) throw err;
      const delayMs = backoff.next();
      log.warn({ error: failure.message, delayMs }, 'cannot read the market from the API yet: retrying');
      await clock.sleep(delayMs, signal);
    }
  }
}
