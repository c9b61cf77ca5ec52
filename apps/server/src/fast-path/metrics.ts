import { Counter, type Registry } from 'prom-client';

export type FastPathOutcome = 'hit' | 'not_modified' | 'miss' | 'stored' | 'pass';

/** What the fast path did with the requests it matched: served (hit, 304), sent to tRPC (miss, stored after) or passed. */
export function createFastPathMetrics(registry: Registry): { count(outcome: FastPathOutcome): void } {
  const requests = new Counter({
    name: 'wick_fast_path_requests_total',
    help: 'tRPC GETs the fast path matched, by outcome: hit and not_modified served from stored bytes; miss went to tRPC (stored: its answer was kept); pass went to tRPC unlooked-up (invalid input, Valkey unreachable, rate limited)',
    labelNames: ['outcome'],
    registers: [registry],
  });
  return { count: (outcome) => requests.inc({ outcome }) };
}
