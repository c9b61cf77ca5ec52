import { INTERVAL_MS } from '@wick/market';
import type { CandleInput } from '../candle-input.ts';

/** How an update compares with what was already taken for the same candle. */
interface Seen {
  eventTime: number;
  trades: number;
  final: boolean;
}

export interface FreshnessUpdate {
  symbol: string;
  /** Event time; REST rows, which are final, use +Infinity. */
  eventTime: number;
  final: boolean;
  candle: CandleInput;
}

/**
 * Never moves a candle backwards. Frames can arrive twice (an overlapping connection at the 24 h
 * rollover, a replaying proxy) or out of order; ingest is an idempotent upsert, but an older
 * state of a candle sent after a newer one would overwrite it. So per symbol and open time this
 * keeps the newest state taken (by event time, then trade count) and refuses anything not newer;
 * a final state is never replaced. Candles further back than `horizonMinutes` behind the newest
 * one are forgotten and refused (nothing legitimate arrives that late).
 */
export class CandleFreshness {
  private readonly seen = new Map<string, Map<number, Seen>>();
  private readonly newest = new Map<string, number>();
  private readonly horizonMs: number;

  constructor(horizonMinutes = 120) {
    this.horizonMs = horizonMinutes * INTERVAL_MS['1m'];
  }

  /** True when `update` is newer than anything taken for its candle (and records it). */
  accept(update: FreshnessUpdate): boolean {
    const { symbol, candle } = update;
    const newest = this.newest.get(symbol) ?? -Infinity;
    if (candle.time < newest - this.horizonMs) return false;
    let bySymbol = this.seen.get(symbol);
    if (!bySymbol) this.seen.set(symbol, (bySymbol = new Map()));
    const prev = bySymbol.get(candle.time);
    if (prev && !isNewer(update, prev)) return false;
    bySymbol.set(candle.time, { eventTime: update.eventTime, trades: candle.trades ?? 0, final: update.final });
    if (candle.time > newest) {
      this.newest.set(symbol, candle.time);
      for (const t of bySymbol.keys()) if (t < candle.time - this.horizonMs) bySymbol.delete(t);
    }
    return true;
  }
}

function isNewer(update: FreshnessUpdate, prev: Seen): boolean {
  if (prev.final) return false;
  if (update.final) return true;
  if (update.eventTime !== prev.eventTime) return update.eventTime > prev.eventTime;
  return (update.candle.trades ?? 0) > prev.trades;
}
