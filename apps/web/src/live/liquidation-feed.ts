import type { LiquidationRow } from '@wick/market';

/** A liquidation that arrived live, with when this page received it (the markers need it). */
export interface LiveLiquidation {
  row: LiquidationRow;
  receivedAt: number;
}

export interface FeedSnapshot {
  /** Newest first (keyset order: time, then id), no id twice, at most MAX_LIVE_ROWS. */
  rows: readonly LiveLiquidation[];
  /** Counts resyncs: a change means "what you built from earlier answers may have gaps: read them again". */
  epoch: number;
}

/** The newest live rows kept in memory; older ones are the table's pages. */
export const MAX_LIVE_ROWS = 500;

/** Newest first, as liquidations.list orders them. */
export const newerFirst = (a: LiquidationRow, b: LiquidationRow) => b.orderTradeTime - a.orderTradeTime || b.id - a.id;

/**
 * The page's live liquidations (one stream for every symbol; the table and the chart filter it),
 * outside React so both read the same rows through useSyncExternalStore.
 */
export class LiquidationFeed {
  private snapshot: FeedSnapshot = { rows: [], epoch: 0 };
  private readonly listeners = new Set<() => void>();

  add(rows: readonly LiquidationRow[], now = Date.now()): void {
    const seen = new Set(this.snapshot.rows.map((r) => r.row.id));
    const fresh = rows.filter((r) => !seen.has(r.id)).map((row) => ({ row, receivedAt: now }));
    if (fresh.length === 0) return;
    const merged = [...fresh, ...this.snapshot.rows].sort((a, b) => newerFirst(a.row, b.row)).slice(0, MAX_LIVE_ROWS);
    this.set({ ...this.snapshot, rows: merged });
  }

  /** The stream missed events: the rows it still has replace what was kept, and readers reload. */
  resync(latest: readonly LiquidationRow[], now = Date.now()): void {
    this.set({ rows: [], epoch: this.snapshot.epoch + 1 });
    this.add(latest, now);
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): FeedSnapshot => this.snapshot;

  private set(next: FeedSnapshot): void {
    this.snapshot = next;
    for (const l of this.listeners) l();
  }
}
