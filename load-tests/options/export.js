// export: CSV/NDJSON exports of ~1 M rows over HTTP, one alone then several at once.
import { intEnv, secondsEnv } from '../lib/env.js';
import { OURS } from '../lib/targets.js';
import { TREND_STATS } from '../lib/summary.js';

/** @param {Record<string, string | undefined>} env */
export function options(env) {
  return {
    scenarios: {
      single: {
        executor: 'per-vu-iterations',
        vus: 1,
        iterations: intEnv(env, 'ITERATIONS', 3, 1, 100),
        exec: 'csvAlone',
        maxDuration: `${secondsEnv(env, 'SINGLE_SLOT', '2m')}s`,
      },
      concurrent: {
        executor: 'per-vu-iterations',
        vus: intEnv(env, 'EXPORT_VUS', 4, 1, 100),
        iterations: 1,
        exec: 'mixed',
        maxDuration: '20m',
        startTime: `${secondsEnv(env, 'SINGLE_SLOT', '2m')}s`,
      },
    },
    thresholds: {
      'wick_export_rows_per_s{scenario:single}': [`med>=${OURS.exportRowsPerS}`],
      wick_export_rss_growth_mb: [`max<${OURS.exportRssGrowthMb}`],
      checks: ['rate==1'],
      http_req_failed: ['rate==0'],
    },
    summaryTrendStats: TREND_STATS,
  };
}
