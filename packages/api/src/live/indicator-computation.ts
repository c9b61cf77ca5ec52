import {
  createStreamingState,
  getIndicator,
  NotEnoughDataError,
  type StreamCandle,
  type StreamingState,
  type StreamValues,
} from '@wick/indicators';
import { isCandleOpen, type CandleColumns } from '@wick/market';
import type { Logger } from 'pino';
import type { CandleService, Series } from '../services/candles.ts';
import type { IndicatorUpdateEvent, IndicatorWindowEvent } from './live-events.ts';
import type { SeriesFollower, SeriesStep } from './series-follower.ts';
import { SharedEvents } from './shared-events.ts';
import { lastCandles, overlayTail } from './tail-overlay.ts';

/** What one shared computation computes: a "latest N" window of one indicator with canonical params. */
export interface IndicatorSpec {
  series: Series;
  indicator: string;
  /** Parsed params (defaults applied), as the answers show them. */
  params: Record<string, unknown>;
  canonical: string;
  limit: number;
  /** Candles of history read before the window (historyFor). */
  warmup: number;
}

/** A subscriber of a computation: told which candles changed, it reads the values when its stream asks. */
export interface ComputationListener {
  /** Values changed at every candle from `fromTime` on (`fromTime` undefined: the whole window changed). */
  changed(fromTime: number | undefined): void;
}

/** Candles a computation keeps of the series' tail, to tell a resuming subscriber what it missed. */
const TAIL_KEPT = 64;

function rowOf(c: CandleColumns, i: number): StreamCandle {
  return { time: c.time[i]!, open: c.open[i]!, high: c.high[i]!, low: c.low[i]!, close: c.close[i]!, volume: c.volume[i]! };
}

const nullable = (v: number): number | null => (Number.isFinite(v) ? v : null);

/**
 * One indicator window kept current from the series' live events, shared by every local subscriber
 * of the same series, indicator, params and limit: the streaming state holds every candle but the
 * provisional last one, which is only peeked; an event's newer candles are added, its last peeked.
 * A write that was not tail-only (or a hole in the events) rebuilds it from the candle service.
 */
export class IndicatorComputation {
  private state: StreamingState | null = null;
  private provisionalTime: number | undefined;
  private readonly time: number[] = [];
  private values: Record<string, number[]> = {};
  private recentTail: CandleColumns | null = null;
  /** The stream id and rev the window is at (undefined: no event seen yet, the window is what the store had). */
  lastId: string | undefined;
  lastRev: number | undefined;
  /** The stream id after which the window was last rebuilt: a subscriber resuming from before it needs the whole window. */
  rebuiltAfter: string | undefined;
  private readonly listeners = new Set<ComputationListener>();
  /** Bumped whenever the window changes: with the position, the key of the events built from it. */
  private version = 0;
  /** Events built from the current window, handed to every subscriber that asks for the same one (encoded once by the writer). */
  private readonly shared = new SharedEvents<IndicatorWindowEvent | IndicatorUpdateEvent | null>(32);
  private readonly stopped = new AbortController();
  private loop: Promise<void> | null = null;

  constructor(
    readonly spec: IndicatorSpec,
    private readonly deps: { candles: CandleService; follower: SeriesFollower; log: Logger; retryMs: number },
  ) {}

  /** Subscribes to the series, then builds the window; rejects (NOT_FOUND, NOT_ENOUGH_DATA, …) if the first build fails. */
  async start(): Promise<void> {
    await this.deps.follower.open();
    await this.rebuild(undefined);
    this.loop = this.follow();
  }

  listen(listener: ComputationListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.stopped.abort();
    await this.deps.follower.close();
    await this.loop;
  }

  /** The whole window, as indicators.compute answers it. */
  windowEvent(resync: IndicatorWindowEvent['resync']): IndicatorWindowEvent {
    return this.shared.get(`${this.position()}|window|${resync}`, () => this.buildWindow(resync)) as IndicatorWindowEvent;
  }

  /** The values at every candle from `fromTime` on; undefined when the window no longer reaches back to it. */
  updateFrom(fromTime: number): IndicatorUpdateEvent | undefined {
    return (this.shared.get(`${this.position()}|from|${fromTime}`, () => this.buildUpdate(fromTime) ?? null) ?? undefined) as
      IndicatorUpdateEvent | undefined;
  }

  private position(): string {
    return `${this.version}|${this.lastId}|${this.lastRev}`;
  }

  private buildWindow(resync: IndicatorWindowEvent['resync']): IndicatorWindowEvent {
    const { series, indicator, params, limit } = this.spec;
    return {
      type: 'window',
      symbol: series.symbol,
      interval: series.interval,
      indicator,
      params,
      limit,
      rev: this.lastRev ?? null,
      time: [...this.time],
      values: this.valuesFrom(0),
      openTime: this.openTime(),
      resync,
    };
  }

  private buildUpdate(fromTime: number): IndicatorUpdateEvent | undefined {
    if (this.time.length === 0 || fromTime < this.time[0]!) return undefined;
    let at = this.time.length;
    while (at > 0 && this.time[at - 1]! >= fromTime) at -= 1;
    return { type: 'update', rev: this.lastRev ?? 0, time: this.time.slice(at), values: this.valuesFrom(at), openTime: this.openTime() };
  }

  /** The first window candle after `time` (undefined: none). */
  firstTimeAfter(time: number): number | undefined {
    return this.time.find((t) => t > time);
  }

  /** The series' last candles as this window last saw them. */
  get tail(): CandleColumns | null {
    return this.recentTail;
  }

  private openTime(): number | null {
    const last = this.time.at(-1);
    return last !== undefined && isCandleOpen(this.spec.series.interval, last) ? last : null;
  }

  private valuesFrom(at: number): Record<string, (number | null)[]> {
    const out: Record<string, (number | null)[]> = {};
    for (const [name, series] of Object.entries(this.values)) out[name] = series.slice(at).map(nullable);
    return out;
  }

  private async follow(): Promise<void> {
    const signal = this.stopped.signal;
    for (;;) {
      const step = await this.deps.follower.next(signal);
      if (!step) return;
      try {
        this.apply(step);
      } catch (err) {
        this.deps.log.warn(
          { err: String(err), indicator: this.spec.indicator, series: this.spec.series },
          'live: indicator event not applicable, rebuilding',
        );
        await this.rebuildUntilDone(step, signal);
      }
    }
  }

  private apply(step: SeriesStep): void {
    const tail = step.event.tail;
    if (!step.intact || !this.incorporate(tail)) {
      throw new Error(step.intact ? 'the event does not continue this window' : 'history before the tail may have changed');
    }
    this.lastId = step.id ?? this.lastId;
    this.lastRev = step.event.rev;
  }

  /** Adds the tail's closed candles newer than the state, peeks its last; false if the tail does not continue the window. */
  private incorporate(tail: CandleColumns): boolean {
    const state = this.state;
    const n = tail.time.length;
    if (!state || n === 0) return n === 0;
    const committed = state.count > 0 ? state.lastTime : -Infinity;
    let from = 0;
    while (from < n && tail.time[from]! <= committed) from += 1;
    if (from === n) return true; // nothing newer than the committed candles: an older snapshot
    const provisional = this.provisionalTime ?? committed;
    // The tail must reach back to the provisional candle (else more candles were appended than it holds).
    if (tail.time[0]! > provisional || tail.time[from]! < provisional || tail.time[n - 1]! < provisional) return false;
    for (let i = from; i < n; i++) {
      const row = rowOf(tail, i);
      this.record(row.time, i < n - 1 ? state.add(row) : state.peek(row));
    }
    this.provisionalTime = tail.time[n - 1];
    this.recentTail = lastCandles(this.recentTail ? overlayTail(this.recentTail, tail) : tail, TAIL_KEPT);
    this.slide();
    this.notify(tail.time[from]);
    return true;
  }

  private record(time: number, values: StreamValues): void {
    const replace = this.time.at(-1) === time;
    if (!replace) this.time.push(time);
    for (const name of Object.keys(this.values)) {
      const series = this.values[name]!;
      const v = values[name] ?? NaN;
      if (replace) series[series.length - 1] = v;
      else series.push(v);
    }
  }

  private slide(): void {
    const excess = this.time.length - this.spec.limit;
    if (excess <= 0) return;
    this.time.splice(0, excess);
    for (const series of Object.values(this.values)) series.splice(0, excess);
  }

  private notify(fromTime: number | undefined): void {
    this.version += 1;
    for (const listener of this.listeners) listener.changed(fromTime);
  }

  /** Reads the window and its history again, brings it up to `step`'s tail, and recomputes. */
  private async rebuild(step: SeriesStep | undefined): Promise<void> {
    const { series, indicator, params, canonical, limit, warmup } = this.spec;
    const load = await this.deps.candles.load(series, { limit }, warmup);
    const candles = step ? overlayTail(load.columns, step.event.tail) : load.columns;
    const n = candles.time.length;
    const def = getIndicator(indicator);
    const needed = def.lookback(params) + 1;
    if (n < needed) throw new NotEnoughDataError(indicator, canonical, needed, n);
    const state = createStreamingState(indicator, params);
    this.time.length = 0;
    this.values = Object.fromEntries(def.outputs.map((name) => [name, [] as number[]]));
    const windowFrom = Math.max(0, n - limit);
    for (let i = 0; i < n; i++) {
      const row = rowOf(candles, i);
      const values = i < n - 1 ? state.add(row) : state.peek(row);
      if (i >= windowFrom) this.record(row.time, values);
    }
    this.state = state;
    this.provisionalTime = candles.time[n - 1];
    this.recentTail = lastCandles(candles, TAIL_KEPT);
    if (step) {
      this.lastId = step.id ?? this.lastId;
      this.lastRev = step.event.rev;
    }
    this.rebuiltAfter = this.lastId;
    this.notify(undefined);
  }

  private async rebuildUntilDone(step: SeriesStep, signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        await this.rebuild(step);
        return;
      } catch (err) {
        this.deps.log.warn(
          { err: String(err), indicator: this.spec.indicator, series: this.spec.series },
          'live: indicator rebuild failed, retrying',
        );
        await new Promise((resolve) => setTimeout(resolve, this.deps.retryMs));
      }
    }
  }
}
