// What an ingested candle may hold once the writers are quiet, from every attempt at it: the exact
// check behind "nothing acknowledged is lost" (fault-suite.test.ts checkAcks).

/** One ingest of a candle time, whatever its answer: 200 acknowledged it; anything else may still have committed. */
export interface IngestAttempt {
  time: number;
  close: number;
  start: number;
  end: number;
  /** HTTP status, 0 when no answer came. */
  status: number;
}

/**
 * The closes a candle may hold after all its attempts ended, or null when none was acknowledged (then
 * nothing was promised). Writes of one time serialize in MySQL, but neither their order among
 * concurrent attempts nor whether an unanswered / 503 attempt committed is known to the client: an
 * attempt's value is allowed unless an acknowledged attempt STARTED after it ENDED (that one
 * committed later and overwrote it). The last acknowledged value is always allowed.
 */
export function allowedCloses(attempts: readonly IngestAttempt[]): Set<number> | null {
  const acked = attempts.filter((a) => a.status === 200);
  if (acked.length === 0) return null;
  const lastAckStart = Math.max(...acked.map((a) => a.start));
  return new Set(attempts.filter((a) => a.end >= lastAckStart).map((a) => a.close));
}

/** Per candle time, its allowed closes (times with no acknowledged attempt are left out). */
export function allowedByTime(attempts: readonly IngestAttempt[]): Map<number, Set<number>> {
  const byTime = new Map<number, IngestAttempt[]>();
  for (const a of attempts) {
    const list = byTime.get(a.time);
    if (list) list.push(a);
    else byTime.set(a.time, [a]);
  }
  const out = new Map<number, Set<number>>();
  for (const [time, list] of byTime) {
    const allowed = allowedCloses(list);
    if (allowed) out.set(time, allowed);
  }
  return out;
}

/** What one reader answered for a time, against the allowed closes and what MySQL holds. */
export type Verdict = 'ok' | 'lost' | 'stale';

/**
 * lost: MySQL itself holds none of the allowed closes (an acknowledged write is gone: true loss);
 * stale: MySQL holds an allowed close but the reader answers something else (a freshness bug);
 * ok: the reader answers what MySQL holds and it is allowed.
 */
export function verdict(allowed: Set<number>, inDb: number | undefined, seen: number | undefined): Verdict {
  if (inDb === undefined || !allowed.has(inDb)) return 'lost';
  return seen === inDb ? 'ok' : 'stale';
}
