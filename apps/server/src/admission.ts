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
  /** True when the request may proceed; false when it has been answered (shed). */
  admit(req: IncomingMessage, res: ServerResponse, url: URL): boolean;
  inFlight(): number;
  shed(): Record<ShedReason, number>;
  stop(): void;
}

const MESSAGE = {
  in_flight: 'The server is at capacity',
  loop_delay: 'The server is overloaded',
} as const;

/** At most one shed log line per reason this often, with the count since the last one: a burst must not flood the log. */
const LOG_EVERY_MS = 1000;

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
    let body: unknown = { error: message, shedReason: reason };
    if (url.pathname.startsWith('/trpc/')) {
      const paths = trpcPaths(url.pathname);
      const envelope = (path: string) => ({
        error: {
          json: {
            message,
            code: TRPC_ERROR_CODES_BY_KEY.SERVICE_UNAVAILABLE,
            data: { code: 'SERVICE_UNAVAILABLE', httpStatus: 503, path, shedReason: reason },
          },
        },
      });
      body = url.searchParams.get('batch') === '1' ? paths.map(envelope) : envelope(paths[0] ?? '');
    }
    const text = JSON.stringify(body);
    res.writeHead(503, { ...headers, 'content-length': Buffer.byteLength(text) });
    res.end(text);
  };

  return {
    admit(req, res, url) {
      if (!options.enabled || laneOf(url.pathname) === 'light') return true;
      const reason: ShedReason | null =
        inFlight >= options.maxInFlight ? 'in_flight' : loop !== null && loop.current() > options.maxLoopDelayMs ? 'loop_delay' : null;
      if (reason && !hasInvalidInput(url, req.method)) {
        // The body of a refused POST is not read: drain it so the socket closes cleanly.
        req.resume();
        refuse(res, url, reason);
        return false;
      }
      inFlight++;
      res.once('close', () => inFlight--);
      return true;
    },
    inFlight: () => inFlight,
    shed: () => ({ ...shedCounts }),
    stop: () => loop?.stop(),
  };
}
