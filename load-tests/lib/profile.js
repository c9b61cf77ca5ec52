// K6_PROFILE: `bench` (the default) runs full-length phases and holds the run to Wick's latency and
// throughput targets; `ci` runs seconds-long phases with correctness thresholds only (checks,
// failed requests, freshness, order, row counts), so a busy CI box never fails a run on time.
import { strEnv } from './env.js';

export const PROFILES = Object.freeze(['bench', 'ci']);

/** @param {Record<string, string | undefined>} env @returns {'bench' | 'ci'} */
export function profileOf(env) {
  const p = strEnv(env, 'K6_PROFILE', 'bench');
  if (p !== 'bench' && p !== 'ci') throw new Error(`K6_PROFILE must be one of ${PROFILES.join(', ')}, got "${p}"`);
  return p;
}

/**
 * The value of a setting in this profile: `bench` for bench, `ci` for ci.
 * @template T @param {'bench' | 'ci'} profile @param {T} bench @param {T} ci @returns {T}
 */
export function byProfile(profile, bench, ci) {
  return profile === 'ci' ? ci : bench;
}

/**
 * Correctness thresholds always; performance ones (latency, throughput, ratios of timings) in bench only.
 * @param {'bench' | 'ci'} profile
 * @param {Record<string, string[]>} correctness
 * @param {Record<string, string[]>} performance
 */
export function thresholdsFor(profile, correctness, performance) {
  return profile === 'ci' ? { ...correctness } : { ...performance, ...correctness };
}
