// smoke: every procedure once, checks on status and shape. Any failed check fails the run.
import { profileOf, thresholdsFor } from '../lib/profile.js';
import { TREND_STATS } from '../lib/summary.js';

/** @param {Record<string, string | undefined>} env */
export function options(env) {
  return {
    scenarios: { smoke: { executor: 'per-vu-iterations', vus: 1, iterations: 1, maxDuration: '2m' } },
    thresholds: thresholdsFor(profileOf(env), { checks: ['rate==1'], http_req_failed: ['rate==0'] }, {}),
    summaryTrendStats: TREND_STATS,
  };
}
