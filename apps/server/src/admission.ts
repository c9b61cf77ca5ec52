import type { IncomingMessage, ServerResponse } from 'node:http';
import { TRPC_ERROR_CODES_BY_KEY } from '@trpc/server/rpc';
import type { Logger } from 'pino';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { AdmissionOptions } from './admission-options.ts';
import { hasInvalidInput } from './admission-input-check.ts';
import { laneOf, trpcPaths } from './admission-lane.ts';
import { watchLoopDelay, type LoopDelay } from './admission-loop-delay.ts';

export type ShedReason = 'in_flight' | 'loop_delay';

/**
 * Admission control: past its capacity the process answers new work-lane requests at once with
 * 503 SERVICE_UNAVAILABLE and Retry-After (in tRPC's error format under /trpc/), instead of letting
 * them queue into their budget and time out. Nothing ever waits here: a request is admitted or shed
 * on arrival, and the light lane is always admitted.
 */
export interface Admission {
  /**
   * The request's release (call it once, when its response closes) when it may proceed; false when it
   * has been answered (shed). No listener is added here: the caller's one close listener per
   * request releases it (a gzip export's stream pipeline adds five of its own, and Node warns past ten).
   */
  admit(req: IncomingMessage, res: ServerResponse, url: URL): (() => void) | false;
  inFlight(): number;
  /** Work-lane requests admitted past the in-flight cap because an identical one was in flight (joiners). */
  joined(): number;
  shed(): Record<ShedReason, number>;
  stop(): void;
}

const MESSAGE = {
  in_flight: 'The server is at capacity',
  loop_delay: 'The server is overloaded',
} as const;

/** At most one shed log line per reason this often, with the count since the last one: a burst must not flood the log. */
const LOG_EVERY_MS = 1000;

const admitLight = (): void => undefined;

export function createAdmission(options: AdmissionOptions, registry?: Registry, log?: Logger): Admission {
  let inFlight = 0;
  const shedCounts: Record<ShedReason, number> = { in_flight: 0, loop_delay: 0 };
  const loop: LoopDelay | null = options.enabled ? watchLoopDelay() : null;
  const shedMetric = registry
    ? new Counter({
        name: 'wick_admission_shed_total',
        help: 'Requests answered 503 on arrival by admission control',
        labelNames: ['reason'],
        registers: [registry],
      })
    : null;
  const joinedMetric = registry
    ? new Counter({
        name: 'wick_admission_joined_total',
        help: 'Work-lane requests admitted past the in-flight cap because an identical query was in flight (they share its computation)',
        registers: [registry],
      })
    : null;
  if (registry) {
    new Gauge({
      name: 'wick_admission_in_flight',
      help: 'Work-lane requests being served',
      registers: [registry],
      collect() {
        this.set(inFlight);
      },
    });
  }

  const unlogged: Record<ShedReason, number> = { in_flight: 0, loop_delay: 0 };
  const loggedAt: Record<ShedReason, number> = { in_flight: -Infinity, loop_delay: -Infinity };
  const record = (reason: ShedReason, path: string) => {
    shedCounts[reason]++;
    shedMetric?.inc({ reason });
    unlogged[reason]++;
    const now = performance.now();
    if (now - loggedAt[reason] < LOG_EVERY_MS) return;
    log?.warn(
      { reason, shed: unlogged[reason], path, inFlight, maxInFlight: options.maxInFlight, loopDelayMs: Math.round(loop?.current() ?? 0) },
      'admission: shed work-lane requests',
    );
    loggedAt[reason] = now;
    unlogged[reason] = 0;
  };

  const refuse = (res: ServerResponse, url: URL, reason: ShedReason) => {
    record(reason, url.pathname);
    const message = `${MESSAGE[reason]}: retry in ${options.retryAfterS} s (another server process may answer sooner).`;
    const headers = { 'content-type': 'application/json', 'retry-after': String(options.retryAfterS), connection: 'close' };
    // Machine-readable as every retryable tRPC error is (packages/api errors.ts): why, and when to retry.
    const retry = { reason: 'overloaded', retryAfterMs: options.retryAfterS * 1000 } as const;
    // Only /trpc/ and /export/ requests are ever shed (admission-lane.ts): an export's errors carry the same fields as tRPC's data.
    let body: unknown = { error: { code: 'SERVICE_UNAVAILABLE', message, shedReason: reason, ...retry } };
    if (url.pathname.startsWith('/trpc/')) {
      const paths = trpcPaths(url.pathname);
      const envelope = (path: string) => ({
        error: {
          json: {
            message,
            code: TRPC_ERROR_CODES_BY_KEY.SERVICE_UNAVAILABLE,
            data: { code: 'SERVICE_UNAVAILABLE', httpStatus: 503, path, shedReason: reason, ...retry },
          },
        },
      });
      body = url.searchParams.get('batch') === '1' ? paths.map(envelope) : envelope(paths[0] ?? '');
    }
    const text = JSON.stringify(body);
    res.writeHead(503, { ...headers, 'content-length': Buffer.byteLength(text) });
    res.end(text);
  };

  /**
   * Admitted work-lane GETs under /trpc/ by URL (procedures + input): an identical query joins the
   * computation already in flight (the cache's single-flight: one DB load, one engine task), so it
   * costs its own parse and answer only and does not count toward maxInFlight. The loop-delay check
   * still sheds joiners when even those saturate the process; sockets bound how many there can be.
   */
  const byQuery = new Map<string, number>();
  let joinedCount = 0;
  const queryOf = (req: IncomingMessage, url: URL): string | null =>
    options.join && req.method === 'GET' && url.pathname.startsWith('/trpc/') ? `${url.pathname}${url.search}` : null;

  return {
    admit(req, res, url) {
      if (!options.enabled || laneOf(url.pathname) === 'light') return admitLight;
      const query = queryOf(req, url);
      const joining = query !== null && byQuery.has(query);
      const reason: ShedReason | null =
        !joining && inFlight >= options.maxInFlight
          ? 'in_flight'
          : loop !== null && loop.current() > options.maxLoopDelayMs
            ? 'loop_delay'
            : null;
      if (reason && !hasInvalidInput(url, req.method)) {
        // The body of a refused POST is not read: drain it so the socket closes cleanly.
        req.resume();
        refuse(res, url, reason);
        return false;
      }
      if (joining) {
        joinedCount++;
        joinedMetric?.inc();
      } else inFlight++;
      if (query !== null) byQuery.set(query, (byQuery.get(query) ?? 0) + 1);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        if (!joining) inFlight--;
        if (query === null) return;
        const left = (byQuery.get(query) ?? 1) - 1;
        if (left > 0) byQuery.set(query, left);
        else byQuery.delete(query);
      };
    },
    inFlight: () => inFlight,
    joined: () => joinedCount,
    shed: () => ({ ...shedCounts }),
    stop: () => loop?.stop(),
  };
}
