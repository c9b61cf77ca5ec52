// The numbers Wick holds itself to (docs/architecture.md, "Numbers"), shared by the k6 thresholds, the e2e
// benchmark report and the test that checks the thresholds encode them. Plain data, no imports.

/** What the project's seeds asked for. */
export const SEEDS = Object.freeze({
  cachedP90Ms: 100,
  uncachedP90Ms: 500,
  batch3P90Ms: 200,
  hitRate: 0.7,
  /** 50 concurrent users each answered within 2 s. */
  users50MaxMs: 2000,
});

/** What we promise on a 2-core box over loopback (ratios are taken within one run). */
export const OURS = Object.freeze({
  cachedP50Ms: 1,
  /** Cached compute req/s at 50 connections ≥ this share of the noopPayload floor's. */
  cachedVsFloorReqs: 0.8,
  coldP99Ms: 15,
  fullyColdP99Ms: 50,
  batch3P99Ms: 5,
  hitRate: 0.95,
  /** p99 at 50 connections ≤ this multiple of the floor's p99. */
  c50P99VsFloor: 1.3,
  errorsAt500Vus: 0,
  stampedeComputations: 1,
  stampedeDbQueries: 1,
  exportRowsPerS: 400_000,
  exportRssGrowthMb: 50,
  exportVsMariadb: 2,
  /** The page at row 900,000 within this multiple of page 1. */
  deepPageRatio: 1.5,
  deepPageRow: 900_000,
});

/**
 * The hot-path targets of issue 15: the response fast path past the tRPC floor. The batch baseline
 * is `indicators.batch` × 3 at c=50 as measured in 2026-11 (docs/benchmarks.md).
 */
export const FAST = Object.freeze({
  /** Cached compute req/s at 50 connections ≥ this multiple of the noopPayload floor's. */
  vsFloor: 10,
  /** Cached compute req/s at 50 connections ≥ this share of raw node:http writing the same bytes. */
  vsRaw: 0.5,
  /** Cached compute one at a time: p50 at most this. */
  p50Ms: 0.5,
  batch3Baseline: 157,
  batch3Times: 5,
});
