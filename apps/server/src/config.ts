import { INTERVALS, isInterval, SYMBOL_PATTERN } from '@wick/market';
import { z } from 'zod';
import { admissionConfig } from './admission-options.ts';

const list = z
  .string()
  .default('')
  .transform((s) =>
    s
      .split(',')
      .map((k) => k.trim())
      .filter(Boolean),
  );
const int = (fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER) => z.coerce.number().int().min(min).max(max).default(fallback);

const onOff = (fallback: 'on' | 'off') =>
  z
    .enum(['on', 'off'], { error: 'must be on or off' })
    .default(fallback)
    .transform((v) => v === 'on');

const INDICATOR_NAME = /^[a-z0-9_]{1,32}$/;

/** "SYMBOL:interval:indicator", e.g. BTCUSDT:1m:rsi, with the symbol and interval rules every other input follows. */
const warmItem = z.string().transform((item, ctx) => {
  const [symbol = '', interval = '', indicator = '', ...rest] = item.split(':');
  if (rest.length > 0 || !SYMBOL_PATTERN.test(symbol) || !isInterval(interval) || !INDICATOR_NAME.test(indicator)) {
    ctx.addIssue({ code: 'custom', message: `WARM items look like BTCUSDT:1m:rsi (intervals: ${INTERVALS.join(', ')}); got "${item}"` });
    return z.NEVER;
  }
  return { symbol, interval, indicator };
});

/** Every setting the server reads from the environment, validated, with defaults for local use. */
export const configSchema = z.object({
  HOST: z.string().default('127.0.0.1'),
  PORT: int(3000, 0, 65535),
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATABASE_URL: z.string().url().default('mysql://root@127.0.0.1:3306/wick'),
  VALKEY_NODES: z.string().default('127.0.0.1:7000,127.0.0.1:7001,127.0.0.1:7002'),
  CACHE_PREFIX: z
    .string()
    .regex(/^[a-z0-9_-]{1,32}$/)
    .default('wick'),
  /** Hard timeout of one Valkey call; past it the call counts as a failure toward the breaker. */
  CACHE_TIMEOUT_MS: int(100, 5, 60_000),
  /** Overrides of the TTL table, e.g. {"1m":{"recent":3}} (see packages/cache/src/ttl.ts). */
  WICK_CACHE_TTL: z.string().optional(),
  API_KEYS: list,
  INGEST_API_KEYS: list,
  ADMIN_API_KEYS: list,
  RATE_LIMIT: int(600),
  RATE_LIMIT_WINDOW_MS: int(60_000, 1000),
  SLOW_MS: int(1000, 1),
  BUDGET_MS: int(5000, 1),
  SHUTDOWN_GRACE_MS: int(10_000, 0),
  /** Socket limits (socket-limits.ts): time to send a request's headers (slowloris), then the whole request. */
  HTTP_HEADERS_TIMEOUT_MS: int(10_000, 1000, 600_000),
  HTTP_REQUEST_TIMEOUT_MS: int(30_000, 1000, 3_600_000),
  /** Request line + headers; past it 431 (a long GET query string counts here). */
  HTTP_MAX_HEADER_BYTES: int(16_384, 1024, 1_048_576),
  /** Request body (ingest); past it 413. 5,000 candles as JSON are ~1 MB. */
  HTTP_MAX_BODY_BYTES: int(8 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
  /** Sockets open at once (idle, active and live streams); the hard cap behind the idle cap. */
  HTTP_MAX_CONNECTIONS: int(8192, 16, 1_000_000),
  /** Idle sockets kept; past it the one idle longest is closed, so idle floods never lock new clients out. */
  HTTP_MAX_IDLE_SOCKETS: int(512, 8, 1_000_000),
  /** Concurrent live (SSE) streams per API key, or per IP without one, on one server process; past it TOO_MANY_REQUESTS. */
  LIVE_MAX_STREAMS_PER_CLIENT: int(20, 1, 100_000),
  /** Liquidation events one live stream may have waiting; a reader that lets more pile up gets one resync event instead. */
  LIVE_QUEUE_LIMIT: int(1000, 10, 1_000_000),
  /** Kept warm from start-up: "SYMBOL:interval:indicator" items, comma-separated (default params, latest 500 candles). */
  WARM: list.pipe(z.array(warmItem)),
  /** The response fast path: cached GET queries answered from stored tRPC bytes (with ETag/304, gzip); off = every request through tRPC. */
  FAST_PATH: onOff('on'),
  /** The fast path's in-process store of answers (off: nothing is kept, so every fast-path lookup misses and tRPC answers). */
  FAST_PATH_L1: onOff('on'),
  /** Bound of that store in bytes (raw + gzip answers, LRU); evictions are counted in wick_fast_path_l1_evictions_total. */
  L1_MAX_BYTES: int(64 * 1024 * 1024, 64 * 1024, 16 * 1024 * 1024 * 1024),
  /**
   * How an L1 hit knows its answer is still current: `read` asks Valkey for the series version on
   * every hit; `bus` keeps the versions locally, dropped by the writers' announcements, which every
   * process acknowledges before a write returns (packages/cache/src/near-cache.ts).
   */
  FAST_PATH_L1_FRESHNESS: z.enum(['read', 'bus'], { error: 'must be read or bus' }).default('bus'),
  /** Bus mode: how long this process keeps its standing without renewing (renewed every lease/4); a write that fences it waits this long. */
  FAST_PATH_L1_LEASE_MS: int(2000, 200, 2000),
  /** Advance cached results from the series head on tail-only writes; 0 drops them on every write (the benchmarks' off arm). */
  APPEND_AWARE: z
    .enum(['0', '1'], { error: 'must be 0 or 1' })
    .default('1')
    .transform((v) => v === '1'),
  /** The dashboard's built files served at / (default: apps/web/dist when it exists). */
  WEB_DIST: z.string().min(1).optional(),
  ...admissionConfig,
  /**
   * Signs liquidation cursors. Every process serving one URL needs the same value, so it is a
   * fixed dev default, not random per process: SET IT in production (a known key lets anyone
   * forge cursors; they still only select rows the filters allow).
   */
  CURSOR_SECRET: z.string().min(16, 'must be at least 16 characters').default('wick-dev-cursor-secret-change-me'),
});

export type ServerConfig = z.infer<typeof configSchema>;

export function loadConfig(env: Record<string, string | undefined> = process.env, overrides: Partial<ServerConfig> = {}): ServerConfig {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid configuration: ${problems}`);
  }
  const config = { ...parsed.data, ...overrides };
  // node:http refuses this pair with a RangeError at start-up; say what to change instead.
  if (config.HTTP_HEADERS_TIMEOUT_MS > config.HTTP_REQUEST_TIMEOUT_MS)
    throw new Error(
      `Invalid configuration: HTTP_HEADERS_TIMEOUT_MS (${config.HTTP_HEADERS_TIMEOUT_MS}) must be at most HTTP_REQUEST_TIMEOUT_MS (${config.HTTP_REQUEST_TIMEOUT_MS}): the headers are part of the request`,
    );
  return config;
}
