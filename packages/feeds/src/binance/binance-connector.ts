import { INTERVAL_MS, candleOpenTime } from '@wick/market';
import type { Logger } from 'pino';
import { Backoff, type BackoffOptions } from '../backoff.ts';
import { systemClock, type Clock } from '../clock.ts';
import type { IngestSink } from '../ingest-sink.ts';
import { IngestOutbox } from '../ingest/ingest-outbox.ts';
import { LogThrottle } from '../log-throttle.ts';
import { CandleFreshness } from './candle-freshness.ts';
import { BINANCE_REST_URL, BINANCE_WS_URL } from './payloads.ts';
import { RecentKeys } from './recent-keys.ts';
import { fetchKlines } from './rest-klines.ts';
import { StreamConnection, type CloseInfo } from './stream-connection.ts';
import { parseStreamFrame } from './stream-frame.ts';
import { combinedStreamUrl } from './stream-url.ts';

const MINUTE = INTERVAL_MS['1m'];

export interface BinanceConnectorOptions {
  /** Binance symbols, e.g. ['BTCUSDT', 'ETHUSDT']; each must exist in Wick. */
  symbols: string[];
  sink: IngestSink;
  log: Logger;
  /** Default wss://fstream.binance.com. */
  wsUrl?: string;
  /** Default https://fapi.binance.com. */
  restUrl?: string;
  /** `now` decides which minutes a gap covers; `sleep` paces back-off and flushes. */
  clock?: Clock;
  fetch?: typeof globalThis.fetch;
  /** Client ping period. Default 30 s (Binance itself pings every 3 min). */
  pingIntervalMs?: number;
  /** A connection silent this long (no frame, ping or pong) is dropped and replaced. Default 60 s. */
  silenceTimeoutMs?: number;
  openTimeoutMs?: number;
  /** Replace a connection this old, with overlap, before Binance cuts it at 24 h. Default 23 h 30 min. */
  maxConnectionAgeMs?: number;
  /** Reconnect back-off. Default 1 s doubling to 60 s, half jittered. */
  reconnect?: BackoffOptions;
  /** A connection that stayed up this long resets the back-off. Default 60 s. */
  healthyAfterMs?: number;
  /** How often pending candles and liquidations go to the API. Default 500 ms. */
  flushIntervalMs?: number;
  /** At start, fetch this many closed minutes before now over REST. Default 0. */
  backfillMinutes?: number;
  statusEveryMs?: number;
  /** Back-off of the ingest calls (see IngestOutbox). */
  ingestBackoff?: BackoffOptions;
}

export interface ConnectorStats {
  connections: number;
  reconnects: number;
  rollovers: number;
  silentDrops: number;
  failedOpens: number;
  frames: number;
  klineUpdates: number;
  /** Kline updates refused as older than (or the same as) what was already taken. */
  staleUpdates: number;
  liquidations: number;
  duplicateLiquidations: number;
  malformed: number;
  backfillRequests: number;
  backfilledCandles: number;
  backfillFailures: number;
}

interface Gap {
  symbol: string;
  from: number;
  to: number;
}

/**
 * Binance USDⓈ-M public streams into Wick: one combined-stream connection carrying each symbol's
 * 1m kline and forceOrder streams. Updates are checked (malformed frames are logged and skipped),
 * never allowed to move a candle backwards, coalesced and written through the sink.
 *
 * Failures: a lost or silent connection is replaced with jittered exponential back-off (reset
 * after a healthy stretch) and the minutes that closed meanwhile are fetched over REST; a
 * connection nearing Binance's 24 h limit is replaced early by a new one opened first (both run
 * for a moment; duplicates are dropped). See README.md for the full table.
 */
export class BinanceConnector {
  readonly stats: ConnectorStats = {
    connections: 0,
    reconnects: 0,
    rollovers: 0,
    silentDrops: 0,
    failedOpens: 0,
    frames: 0,
    klineUpdates: 0,
    staleUpdates: 0,
    liquidations: 0,
    duplicateLiquidations: 0,
    malformed: 0,
    backfillRequests: 0,
    backfilledCandles: 0,
    backfillFailures: 0,
  };
  readonly outbox: IngestOutbox;
  private readonly symbols: Set<string>;
  private readonly url: string;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly throttle: LogThrottle;
  private readonly freshness = new CandleFreshness();
  private readonly seenLiquidations = new RecentKeys(10_000);
  /** Per symbol, the newest minute whose final state was taken (stream or REST). */
  private readonly coveredUntil = new Map<string, number>();
  /** Per symbol, the first minute seen at all (the start of a gap when nothing closed yet). */
  private readonly firstSeen = new Map<string, number>();
  private readonly live = new Set<StreamConnection>();
  private readonly stopping = new AbortController();
  private backfills: Promise<void> = Promise.resolve();
  private running: Promise<void> | null = null;

  constructor(private readonly options: BinanceConnectorOptions) {
    this.symbols = new Set(options.symbols.map((s) => s.toUpperCase()));
    this.url = combinedStreamUrl(options.wsUrl ?? BINANCE_WS_URL, [...this.symbols]);
    this.clock = options.clock ?? systemClock;
    this.log = options.log;
    this.throttle = new LogThrottle(this.clock, 10_000);
    this.outbox = new IngestOutbox(options.sink, {
      clock: this.clock,
      log: this.log,
      ...(options.ingestBackoff ? { backoff: options.ingestBackoff } : {}),
    });
  }

  start(): void {
    this.running ??= this.run();
  }

  /** Closes the stream, finishes the backfill and ingest in flight, sends what is still pending. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await Promise.all([...this.live].map((c) => c.retire('shutdown')));
    await this.running;
    await this.backfills;
    await this.outbox.idle();
    await this.outbox.drain(5000);
    this.log.info({ ...this.stats, ...this.outbox.stats, pending: this.outbox.pending }, 'binance connector stopped');
  }

  private get signal(): AbortSignal {
    return this.stopping.signal;
  }

  private async run(): Promise<void> {
    const loops = [this.flushLoop(), this.statusLoop()];
    const backoff = new Backoff({ initialMs: 1000, maxMs: 60_000, jitter: 0.5, ...this.options.reconnect });
    let gapStarts = this.initialGapStarts();
    let first = true;
    while (!this.signal.aborted) {
      let conn: StreamConnection;
      try {
        conn = await this.open();
      } catch (err) {
        if (this.signal.aborted) break;
        this.stats.failedOpens += 1;
        const delayMs = backoff.next();
        this.throttle.warn(this.log, 'open', { error: (err as Error).message, delayMs }, 'cannot open the Binance stream: retrying');
        await this.clock.sleep(delayMs, this.signal);
        continue;
      }
      if (!first) this.stats.reconnects += 1;
      first = false;
      this.log.info({ url: this.url }, 'stream open');
      this.queueBackfill(gapStarts);
      const end = await this.serve(conn);
      if (this.signal.aborted) break;
      // Taken now, before the next connection delivers anything: where each symbol's gap starts.
      gapStarts = this.gapStartsAtLoss();
      if (end.cause === 'silent') this.stats.silentDrops += 1;
      if (end.uptimeMs >= (this.options.healthyAfterMs ?? 60_000)) backoff.reset();
      const delayMs = backoff.next();
      this.log.warn(
        { cause: end.cause, code: end.code, reason: end.reason, uptimeMs: Math.round(end.uptimeMs), delayMs },
        'stream lost: reconnecting',
      );
      await this.clock.sleep(delayMs, this.signal);
    }
    await Promise.all(loops);
  }

  private async open(): Promise<StreamConnection> {
    const conn = await StreamConnection.open(
      this.url,
      {
        pingIntervalMs: this.options.pingIntervalMs ?? 30_000,
        silenceTimeoutMs: this.options.silenceTimeoutMs ?? 60_000,
        openTimeoutMs: this.options.openTimeoutMs ?? 10_000,
        onText: (text) => this.dispatch(text),
      },
      this.signal,
    );
    this.stats.connections += 1;
    this.live.add(conn);
    void conn.closed.then(() => this.live.delete(conn));
    if (this.signal.aborted) {
      await conn.retire('shutdown');
      throw new Error('connector stopped');
    }
    return conn;
  }

  /** Follows one connection (and its rollover successors) until the current one ends. */
  private async serve(first: StreamConnection): Promise<CloseInfo> {
    const maxAgeMs = this.options.maxConnectionAgeMs ?? 23.5 * 3600_000;
    const retry = new Backoff({ initialMs: 1000, maxMs: 60_000 });
    let conn = first;
    let rolloverAt = maxAgeMs;
    for (;;) {
      const ended = await this.untilClosedOr(conn, rolloverAt - conn.uptimeMs);
      if (ended) return ended;
      if (this.signal.aborted) return conn.retire('shutdown');
      try {
        // The successor opens first; until the old one is gone both deliver (duplicates are dropped).
        const next = await this.open();
        const old = conn;
        conn = next;
        rolloverAt = maxAgeMs;
        retry.reset();
        this.stats.rollovers += 1;
        void old.retire('rollover');
        this.log.info({ maxAgeMs }, 'connection rolled over before the 24 h limit');
      } catch (err) {
        if (this.signal.aborted) return conn.retire('shutdown');
        rolloverAt = conn.uptimeMs + retry.next();
        this.log.warn({ error: (err as Error).message }, 'rollover connection failed: keeping the current one, retrying');
      }
    }
  }

  /** The connection's end, or null once `ms` have passed with it still open. */
  private async untilClosedOr(conn: StreamConnection, ms: number): Promise<CloseInfo | null> {
    const timer = new AbortController();
    const onStop = () => timer.abort();
    this.signal.addEventListener('abort', onStop, { once: true });
    try {
      return await Promise.race([conn.closed, this.clock.sleep(Math.max(0, ms), timer.signal).then(() => null)]);
    } finally {
      timer.abort();
      this.signal.removeEventListener('abort', onStop);
    }
  }

  private dispatch(text: string): void {
    this.stats.frames += 1;
    const message = parseStreamFrame(text);
    switch (message.kind) {
      case 'kline': {
        const { symbol, candle } = message;
        if (!this.symbols.has(symbol)) return;
        if (!this.firstSeen.has(symbol)) this.firstSeen.set(symbol, candle.time);
        if (!this.freshness.accept(message)) {
          this.stats.staleUpdates += 1;
          return;
        }
        this.stats.klineUpdates += 1;
        this.outbox.putCandle(symbol, candle);
        if (message.final) this.cover(symbol, candle.time);
        return;
      }
      case 'liquidation': {
        const e = message.event;
        if (!this.symbols.has(e.symbol)) return;
        const key = [e.symbol, e.orderTradeTime, e.side, e.originalQuantity, e.price, e.averagePrice, e.accumulatedFillQuantity].join('|');
        if (!this.seenLiquidations.add(key)) {
          this.stats.duplicateLiquidations += 1;
          return;
        }
        this.stats.liquidations += 1;
        this.outbox.putLiquidations([e]);
        return;
      }
      case 'malformed':
        this.stats.malformed += 1;
        this.throttle.warn(this.log, 'malformed', { reason: message.reason, frame: text.slice(0, 200) }, 'malformed frame skipped');
        return;
      case 'ignored':
        return;
    }
  }

  private cover(symbol: string, time: number): void {
    this.coveredUntil.set(symbol, Math.max(this.coveredUntil.get(symbol) ?? -Infinity, time));
  }

  private initialGapStarts(): Map<string, number> {
    const minutes = this.options.backfillMinutes ?? 0;
    const starts = new Map<string, number>();
    if (minutes > 0) {
      const current = candleOpenTime('1m', this.clock.now());
      for (const s of this.symbols) starts.set(s, current - minutes * MINUTE);
    }
    return starts;
  }

  /** Per symbol, the first minute whose final state may be missed from now on. */
  private gapStartsAtLoss(): Map<string, number> {
    const starts = new Map<string, number>();
    for (const s of this.symbols) {
      const covered = this.coveredUntil.get(s);
      const seen = this.firstSeen.get(s);
      if (covered !== undefined) starts.set(s, covered + MINUTE);
      else if (seen !== undefined) starts.set(s, seen);
    }
    return starts;
  }

  /** Fetches, one after another, the closed minutes from each gap start up to the minute before now. */
  private queueBackfill(gapStarts: Map<string, number>): void {
    const lastClosed = candleOpenTime('1m', this.clock.now()) - MINUTE;
    const gaps: Gap[] = [...gapStarts].map(([symbol, from]) => ({ symbol, from, to: lastClosed })).filter((g) => g.from <= g.to);
    if (gaps.length === 0) return;
    this.backfills = this.backfills.then(() => this.backfill(gaps));
  }

  private async backfill(gaps: Gap[]): Promise<void> {
    for (const gap of gaps) {
      if (this.signal.aborted) return;
      try {
        this.stats.backfillRequests += 1;
        const candles = await fetchKlines(gap.symbol, gap.from, gap.to, {
          restUrl: this.options.restUrl ?? BINANCE_REST_URL,
          clock: this.clock,
          log: this.log,
          signal: this.signal,
          ...(this.options.fetch ? { fetch: this.options.fetch } : {}),
        });
        for (const candle of candles) {
          if (this.freshness.accept({ symbol: gap.symbol, eventTime: Infinity, final: true, candle }))
            this.outbox.putCandle(gap.symbol, candle);
          this.cover(gap.symbol, candle.time);
        }
        this.stats.backfilledCandles += candles.length;
        this.log.info(
          { symbol: gap.symbol, from: new Date(gap.from).toISOString(), to: new Date(gap.to).toISOString(), candles: candles.length },
          'backfilled',
        );
      } catch (err) {
        if (this.signal.aborted) return;
        this.stats.backfillFailures += 1;
        this.log.error(
          { symbol: gap.symbol, from: new Date(gap.from).toISOString(), to: new Date(gap.to).toISOString(), error: (err as Error).message },
          'backfill failed: these minutes stay missing',
        );
      }
    }
  }

  private async flushLoop(): Promise<void> {
    const intervalMs = this.options.flushIntervalMs ?? 500;
    while (!this.signal.aborted) {
      await this.outbox.flush();
      await this.clock.sleep(Math.max(intervalMs, this.outbox.waitMs()), this.signal);
    }
  }

  private async statusLoop(): Promise<void> {
    const everyMs = this.options.statusEveryMs ?? 10_000;
    let last = { at: this.clock.now(), frames: 0, candles: 0 };
    while (!this.signal.aborted) {
      await this.clock.sleep(everyMs, this.signal);
      if (this.signal.aborted) return;
      const now = this.clock.now();
      const seconds = Math.max(0.001, (now - last.at) / 1000);
      const o = this.outbox.stats;
      this.log.info(
        {
          framesPerSecond: Math.round(((this.stats.frames - last.frames) / seconds) * 10) / 10,
          updatesPerSecond: Math.round(((o.candlesSent - last.candles) / seconds) * 10) / 10,
          liquidations: this.stats.liquidations,
          reconnects: this.stats.reconnects,
          malformed: this.stats.malformed,
          errors: { rateLimited: o.rateLimited, unavailable: o.unavailable, unauthorized: o.unauthorized, rejected: o.rejected },
          pending: this.outbox.pending,
        },
        'status',
      );
      last = { at: now, frames: this.stats.frames, candles: o.candlesSent };
    }
  }
}
