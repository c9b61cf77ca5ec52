export interface ApiConfig {
  /** Keys of API clients: each gets its own rate-limit window instead of its IP's. */
  readKeys: string[];
  /** Keys allowed to call candles.ingest (admin keys may too). */
  ingestKeys: string[];
  /** Keys allowed to call cache.invalidate / cache.clear. */
  adminKeys: string[];
  /** Requests per window per API key (or per IP without one); 0 turns limiting off. */
  rateLimit: { limit: number; windowMs: number };
  /** Calls slower than this are logged with their cache outcomes. */
  slowMs: number;
  /** Wall-clock budget of one compute, and of a whole indicators.batch. */
  budgetMs: number;
  /** HMAC key of liquidation cursors: the same on every server process behind one URL. */
  cursorSecret: string;
}
