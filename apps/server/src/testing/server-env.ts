import { INTERVALS } from '@wick/market';

export const INGEST_KEY = 'test-ingest-key';
export const ADMIN_KEY = 'test-admin-key';

const RECENT_FOR_AN_HOUR = JSON.stringify(Object.fromEntries(INTERVALS.map((interval) => [interval, { recent: 3600 }])));

/** The environment of a test server (in this process or another) on `database`, with its own cache namespace. */
export function serverEnv(name: string, database: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    HOST: '127.0.0.1',
    PORT: '0',
    NODE_ENV: 'test',
    // A loaded CI box can stall the event loop for seconds; test servers shed on in-flight work only.
    ADMISSION_MAX_LOOP_DELAY_MS: '60000',
    LOG_LEVEL: 'error',
    DATABASE_URL: database,
    VALKEY_NODES: process.env.VALKEY_NODES ?? '127.0.0.1:7000,127.0.0.1:7001,127.0.0.1:7002',
    CACHE_PREFIX: `t_${name}`.slice(0, 32),
    INGEST_API_KEYS: INGEST_KEY,
    ADMIN_API_KEYS: ADMIN_KEY,
    RATE_LIMIT: '0',
    // Tests check what is cached, not how fast: a loaded CI box must not trip the breaker,
    CACHE_TIMEOUT_MS: '2000',
    // nor outlive the few seconds a "latest N" window is kept (it counts as holding the open candle).
    WICK_CACHE_TTL: RECENT_FOR_AN_HOUR,
    ...extra,
  };
}
