// live-mix: readers on a Zipf-ish mix of the live series while one feed writer per symbol moves its
// open 1m candle at the feed rate and a liquidation writer ingests; every read after an ingest must
// include it (checks tagged kind:fresh). Correctness thresholds in every profile; latency in bench.
import { connection, intEnv, secondsEnv } from '../lib/env.js';
import { byProfile, profileOf, thresholdsFor } from '../lib/profile.js';
import { TREND_STATS } from '../lib/summary.js';

/**
 * A writer at `rate` per second with ONE VU: iterations never overlap (a writer's read-after-write
 * is its own), and k6 counts the ones a slow iteration made it skip (dropped_iterations).
 * @param {number} rate @param {string} duration
 */
function oneWriterAt(rate, duration) {
  return { executor: 'constant-arrival-rate', rate, timeUnit: '1s', duration, preAllocatedVUs: 1, maxVUs: 1 };
}

/** @param {Record<string, string | undefined>} env */
export function options(env) {
  const profile = profileOf(env);
  const duration = `${secondsEnv(env, 'DURATION', byProfile(profile, '60s', '8s'))}s`;
  const symbols = connection(env).symbols;
  /** Updates per second of each symbol's open candle (a live feed: about 2/s). */
  const feedRate = intEnv(env, 'FEED_RATE', 2, 1, 50);
  /** @type {Record<string, object>} */
  const feeds = {};
  for (const symbol of symbols) {
    // One writer per symbol, so a writer's read-after-write is never raced by another writer's candle.
    feeds[`feed_${symbol}`] = { ...oneWriterAt(feedRate, duration), exec: 'feed', env: { FEED_SYMBOL: symbol } };
  }
  return {
    scenarios: {
      readers: { executor: 'constant-vus', vus: intEnv(env, 'READERS', byProfile(profile, 20, 3), 1, 5000), duration, exec: 'read' },
      ...feeds,
      liquidations: { ...oneWriterAt(intEnv(env, 'LIQUIDATION_RATE', 2, 1, 100), duration), exec: 'liquidate' },
    },
    thresholds: thresholdsFor(
      profile,
      {
        // Every read made after an ingest answered includes that ingest (candles, roll-up, indicator, liquidations).
        'checks{kind:fresh}': ['rate==1'],
        checks: ['rate==1'],
        http_req_failed: ['rate==0'],
      },
      {
        'http_req_duration{name:reader}': ['p(90)<100'],
        'http_req_duration{name:candles.ingest}': ['p(99)<250'],
      },
    ),
    summaryTrendStats: TREND_STATS,
  };
}
