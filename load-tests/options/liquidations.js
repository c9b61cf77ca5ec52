// liquidations: deep keyset walks (page at row 900,000 vs page 1, with and without a symbol) and
// summary calls.
import { intEnv, secondsEnv } from '../lib/env.js';
import { SEEDS } from '../lib/targets.js';
import { TREND_STATS } from '../lib/summary.js';

/** @param {Record<string, string | undefined>} env */
export function options(env) {
  return {
    scenarios: {
      // Two walks, one after the other: all symbols, then one symbol.
      walk: { executor: 'per-vu-iterations', vus: 1, iterations: 2, exec: 'walk', maxDuration: `${secondsEnv(env, 'WALK_SLOT', '10m')}s` },
      summary: {
        executor: 'constant-vus',
        vus: intEnv(env, 'VUS', 5, 1, 1000),
        duration: `${secondsEnv(env, 'DURATION', '30s')}s`,
        // After the walks: they compare timings and must not share the server with this load.
        startTime: `${secondsEnv(env, 'WALK_SLOT', '10m')}s`,
        exec: 'summary',
      },
    },
    thresholds: {
      // Each walk compares the median of the deep page to page 1 (ratio ≤ 1.5).
      wick_deep_page_within_ratio: ['rate==1'],
      wick_walk_in_order: ['rate==1'],
      // No own target for summaries: the seeds' bound for an uncached request.
      'http_req_duration{scenario:summary}': [`p(90)<${SEEDS.uncachedP90Ms}`],
      checks: ['rate==1'],
      http_req_failed: ['rate==0'],
    },
    summaryTrendStats: TREND_STATS,
  };
}
