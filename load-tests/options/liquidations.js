// liquidations: deep keyset walks (page at row 900,000 vs page 1, with and without a symbol) and
// summary calls.
import { intEnv, secondsEnv } from '../lib/env.js';
import { byProfile, profileOf, thresholdsFor } from '../lib/profile.js';
import { SEEDS } from '../lib/targets.js';
import { TREND_STATS } from '../lib/summary.js';

/** @param {Record<string, string | undefined>} env */
export function options(env) {
  const profile = profileOf(env);
  const walkSlot = secondsEnv(env, 'WALK_SLOT', byProfile(profile, '10m', '15s'));
  return {
    scenarios: {
      // Two walks, one after the other: all symbols, then one symbol.
      walk: { executor: 'per-vu-iterations', vus: 1, iterations: 2, exec: 'walk', maxDuration: `${walkSlot}s` },
      summary: {
        executor: 'constant-vus',
        vus: intEnv(env, 'VUS', byProfile(profile, 5, 2), 1, 1000),
        duration: `${secondsEnv(env, 'DURATION', byProfile(profile, '30s', '3s'))}s`,
        // After the walks: they compare timings and must not share the server with this load.
        startTime: `${walkSlot}s`,
        exec: 'summary',
      },
    },
    thresholds: thresholdsFor(
      profile,
      {
        // Pages follow each other in keyset order, and the walk reaches its depth.
        wick_walk_in_order: ['rate==1'],
        checks: ['rate==1'],
        http_req_failed: ['rate==0'],
      },
      {
        // Each walk compares the median of the deep page to page 1 (ratio ≤ 1.5).
        wick_deep_page_within_ratio: ['rate==1'],
        // No own target for summaries: the seeds' bound for an uncached request.
        'http_req_duration{scenario:summary}': [`p(90)<${SEEDS.uncachedP90Ms}`],
      },
    ),
    summaryTrendStats: TREND_STATS,
  };
}
