import type { Logger } from 'pino';
import { Backoff, type BackoffOptions } from '../backoff.ts';
import { MAX_CANDLES_PER_INGEST, type CandleInput } from '../candle-input.ts';
import type { Clock } from '../clock.ts';
import { classifyIngestError, type IngestFailure } from '../ingest-error.ts';
import type { IngestSink } from '../ingest-sink.ts';
import { MAX_LIQUIDATIONS_PER_INGEST, type LiquidationEvent } from '../liquidation-event.ts';
import { LogThrottle } from '../log-throttle.ts';

export interface OutboxOptions {
  clock: Clock;
  log: Logger;
  /** Back-off after SERVICE_UNAVAILABLE, network errors or a refused key. */
  backoff?: BackoffOptions;
  /** Liquidations kept while the API cannot take them; the oldest go first past this. */
  maxPendingLiquidations?: number;
}

export interface OutboxStats {
  candlesSent: number;
  candleBatches: number;
  liquidationsSent: number;
  rateLimited: number;
  unavailable: number;
  unauthorized: number;
  /** Batches the API refused (BAD_REQUEST…) and that were dropped. */
  rejected: number;
  droppedLiquidations: number;
}

/**
 * What a feed has yet to deliver, coalesced: the latest state of each candle (a newer update of
 * the same open candle replaces the older one, so a backlog after an outage is one request per
 * symbol, not one per update) and the liquidations in arrival order.
 *
 * flush() sends everything pending, one flush at a time. On TOO_MANY_REQUESTS it waits the
 * Retry-After; on SERVICE_UNAVAILABLE or an unreachable server it backs off; either way it keeps
 * the data (never replacing a newer state that arrived meanwhile). A batch the API rejects as
 * invalid is logged and dropped. Nothing here throws.
 */
export class IngestOutbox {
  private readonly pendingCandles = new Map<string, Map<number, CandleInput>>();
  private pendingLiquidations: LiquidationEvent[] = [];
  private blockedUntil = 0;
  private chain: Promise<void> = Promise.resolve();
  private readonly backoff: Backoff;
  private readonly maxPendingLiquidations: number;
  private readonly throttle: LogThrottle;
  readonly stats: OutboxStats = {
    candlesSent: 0,
    candleBatches: 0,
    liquidationsSent: 0,
    rateLimited: 0,
    unavailable: 0,
    unauthorized: 0,
    rejected: 0,
    droppedLiquidations: 0,
  };

  constructor(
    private readonly sink: IngestSink,
    private readonly options: OutboxOptions,
  ) {
    this.backoff = new Backoff({ initialMs: 500, maxMs: 30_000, ...options.backoff });
    this.maxPendingLiquidations = options.maxPendingLiquidations ?? 100_000;
    this.throttle = new LogThrottle(options.clock, 10_000);
  }

  putCandle(symbol: string, candle: CandleInput): void {
    let byTime = this.pendingCandles.get(symbol);
    if (!byTime) this.pendingCandles.set(symbol, (byTime = new Map()));
    byTime.set(candle.time, candle);
  }

  putLiquidations(events: readonly LiquidationEvent[]): void {
    if (events.length === 0) return;
    this.pendingLiquidations.push(...events);
    this.trimLiquidations();
  }

  get pending(): { candles: number; liquidations: number } {
    let candles = 0;
    for (const byTime of this.pendingCandles.values()) candles += byTime.size;
    return { candles, liquidations: this.pendingLiquidations.length };
  }

  /** How long until the API may be asked again (0 = now). */
  waitMs(): number {
    return Math.max(0, this.blockedUntil - this.options.clock.now());
  }

  /** Sends what is pending (after any flush already running). Never rejects. */
  flush(): Promise<void> {
    const run = this.chain.then(() => this.flushOnce());
    this.chain = run;
    return run;
  }

  /**
   * Flushes until nothing is pending or `budgetMs` (clock time) is spent, waiting out Retry-After
   * and back-off within the budget: the last word of a feed that is shutting down.
   */
  async drain(budgetMs: number): Promise<void> {
    const deadline = this.options.clock.now() + budgetMs;
    await this.flush();
    while (this.pending.candles + this.pending.liquidations > 0) {
      const waitMs = this.waitMs();
      if (this.options.clock.now() + waitMs > deadline) return;
      await this.options.clock.sleep(waitMs);
      await this.flush();
    }
  }

  /** Resolves when the flush in flight (if any) has finished. */
  idle(): Promise<void> {
    return this.chain;
  }

  private async flushOnce(): Promise<void> {
    if (this.waitMs() > 0) return;
    const batches: { symbol: string; candles: CandleInput[] }[] = [];
    for (const [symbol, byTime] of this.pendingCandles) {
      const candles = [...byTime.values()].sort((a, b) => a.time - b.time);
      for (let i = 0; i < candles.length; i += MAX_CANDLES_PER_INGEST)
        batches.push({ symbol, candles: candles.slice(i, i + MAX_CANDLES_PER_INGEST) });
    }
    this.pendingCandles.clear();
    const liquidations = this.pendingLiquidations;
    this.pendingLiquidations = [];
    const liquidationBatches: LiquidationEvent[][] = [];
    for (let i = 0; i < liquidations.length; i += MAX_LIQUIDATIONS_PER_INGEST) {
      liquidationBatches.push(liquidations.slice(i, i + MAX_LIQUIDATIONS_PER_INGEST));
    }
    if (batches.length === 0 && liquidationBatches.length === 0) return;

    const failures: IngestFailure[] = [];
    const unsentLiquidations: LiquidationEvent[][] = [];
    await Promise.all([
      ...batches.map(async (batch) => {
        try {
          await this.sink.candles(batch.symbol, batch.candles);
          this.stats.candlesSent += batch.candles.length;
          this.stats.candleBatches += 1;
        } catch (err) {
          const failure = classifyIngestError(err);
          failures.push(failure);
          if (failure.kind === 'rejected') this.logRejected(failure, { symbol: batch.symbol, candles: batch.candles.length });
          else this.requeueCandles(batch.symbol, batch.candles);
        }
      }),
      // Liquidations one batch after another, so a retry keeps their order.
      (async () => {
        for (let i = 0; i < liquidationBatches.length; i++) {
          const batch = liquidationBatches[i]!;
          try {
            await this.sink.liquidations(batch);
            this.stats.liquidationsSent += batch.length;
          } catch (err) {
            const failure = classifyIngestError(err);
            failures.push(failure);
            if (failure.kind === 'rejected') {
              this.logRejected(failure, { liquidations: batch.length });
              continue;
            }
            unsentLiquidations.push(...liquidationBatches.slice(i));
            return;
          }
        }
      })(),
    ]);
    if (unsentLiquidations.length > 0) {
      this.pendingLiquidations = [...unsentLiquidations.flat(), ...this.pendingLiquidations];
      this.trimLiquidations();
    }
    this.applyFailures(failures);
  }

  private applyFailures(failures: IngestFailure[]): void {
    const retryable = failures.filter((f): f is Exclude<IngestFailure, { kind: 'rejected' }> => f.kind !== 'rejected');
    if (retryable.length === 0) {
      this.backoff.reset();
      return;
    }
    const now = this.options.clock.now();
    for (const f of retryable) this.stats[f.kind === 'rate-limited' ? 'rateLimited' : f.kind] += 1;
    const waits = retryable.flatMap((f) => (f.kind === 'rate-limited' ? [f.retryAfterMs] : []));
    if (waits.length > 0) {
      const waitMs = Math.max(...waits);
      this.blockedUntil = Math.max(this.blockedUntil, now + waitMs);
      this.throttle.warn(
        this.options.log,
        'rate-limited',
        { retryAfterMs: waitMs },
        'ingest rate limited: waiting Retry-After, keeping the latest state',
      );
      return;
    }
    // One back-off step per flush, however many of its calls failed.
    const delayMs = this.backoff.next();
    this.blockedUntil = Math.max(this.blockedUntil, now + delayMs);
    const first = retryable[0]!;
    const hint =
      first.kind === 'unauthorized'
        ? 'ingest key refused: pass an ingest API key (--key or WICK_INGEST_KEY); retrying'
        : 'API unavailable: backing off, keeping the latest state';
    this.throttle.warn(this.options.log, first.kind, { delayMs, error: first.message }, hint);
  }

  private requeueCandles(symbol: string, candles: CandleInput[]): void {
    let byTime = this.pendingCandles.get(symbol);
    if (!byTime) this.pendingCandles.set(symbol, (byTime = new Map()));
    // A state put while this batch was in flight is newer: keep it.
    for (const c of candles) if (!byTime.has(c.time)) byTime.set(c.time, c);
  }

  private trimLiquidations(): void {
    const excess = this.pendingLiquidations.length - this.maxPendingLiquidations;
    if (excess <= 0) return;
    this.pendingLiquidations.splice(0, excess);
    this.stats.droppedLiquidations += excess;
    this.throttle.warn(
      this.options.log,
      'liquidations-dropped',
      { dropped: this.stats.droppedLiquidations },
      'liquidation backlog full: oldest dropped',
    );
  }

  private logRejected(failure: Extract<IngestFailure, { kind: 'rejected' }>, what: Record<string, unknown>): void {
    this.stats.rejected += 1;
    this.throttle.warn(
      this.options.log,
      `rejected:${failure.code}`,
      { ...what, code: failure.code, error: failure.message },
      'API rejected a batch: skipped',
    );
  }
}
