// Settings from the environment (k6's __ENV, or process.env in Node), with bounds.

/**
 * @param {Record<string, string | undefined>} env
 * @param {string} name
 * @param {number} fallback
 * @param {number} [min]
 * @param {number} [max]
 */
export function intEnv(env, name, fallback, min = 0, max = Number.MAX_SAFE_INTEGER) {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name} must be an integer in [${min}, ${max}], got "${raw}"`);
  return n;
}

/** @param {Record<string, string | undefined>} env @param {string} name @param {string} fallback */
export function strEnv(env, name, fallback) {
  const raw = env[name];
  return raw === undefined || raw === '' ? fallback : raw;
}

/** The symbols `npm run setup` seeds (packages/db's seed: 3 markets by default). */
export const DEFAULT_SYMBOLS = 'BTCUSDT,ETHUSDT,SOLUSDT';

/**
 * What every scenario needs to reach the server.
 * @param {Record<string, string | undefined>} env
 */
export function connection(env) {
  return {
    baseUrl: strEnv(env, 'BASE_URL', 'http://127.0.0.1:3000').replace(/\/+$/, ''),
    apiKey: strEnv(env, 'API_KEY', ''),
    ingestKey: strEnv(env, 'INGEST_KEY', ''),
    adminKey: strEnv(env, 'ADMIN_KEY', ''),
    symbols: strEnv(env, 'SYMBOLS', DEFAULT_SYMBOLS)
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    intervals: strEnv(env, 'INTERVALS', '1m,5m,15m,1h')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    /** Whether SYMBOLS was given (else a scenario may take the symbols the server lists). */
    symbolsGiven: strEnv(env, 'SYMBOLS', '') !== '',
    limit: intEnv(env, 'CANDLES', 1000, 1, 5000),
  };
}

/**
 * A duration like 30s, 2m, 1h (or a plain number of seconds) from the environment, in seconds,
 * so scenario start times can be summed.
 * @param {Record<string, string | undefined>} env @param {string} name @param {string} fallback
 */
export function secondsEnv(env, name, fallback) {
  const raw = strEnv(env, name, fallback);
  const m = /^(\d+)(s|m|h)?$/.exec(raw);
  if (!m) throw new Error(`${name} must be a duration like 30s, 2m or 1h, got "${raw}"`);
  const n = Number(m[1]);
  return m[2] === 'h' ? n * 3600 : m[2] === 'm' ? n * 60 : n;
}
