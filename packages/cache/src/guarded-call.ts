/*
 * Every cache call to Valkey goes through GuardedCall.run: the breaker, Wick's own concurrency
 * bound, the timeout and the classification of errors live here and nowhere else.
 *
 * The rule it enforces: the breaker opens for a sick cluster, never for a busy process.
 * - Breaker open → the call is not sent; the caller bypasses the cache.
 * - Wick's queue: at most maxConcurrentCalls calls are in flight toward Valkey (a ConcurrencyGate,
 *   at most half glide's inflight cap, which is what glide admits at once); up to maxQueuedCalls more wait
 *   their turn. A call that finds the queue full is answered `shed` at once — the caller bypasses —
 *   and it is counted as shed, not as a Valkey failure. Time spent waiting in the queue is not
 *   timed: nothing is measured until the call leaves.
 * - The timeout is glide's requestTimeout, timed by glide's Rust core from the moment it takes the
 *   request, so it measures Valkey's answer and not this process's event loop. Connection.call adds
 *   only a backstop deadline, which ignores stalls of this process (deadline.ts).
 * - Errors: a timeout or any other failed call counts toward the breaker's threshold; "the cluster
 *   is not there" (refused, closed, not connected) trips it at once; glide's own inflight cap, if it
 *   is ever reached, is this process being busy: shed, not a failure.
 */
import { ClosingError, ConnectionError, type GlideClusterClient, TimeoutError } from '@valkey/valkey-glide';
import type { Logger } from 'pino';
import type { CircuitBreaker } from './breaker.ts';
import type { ConcurrencyGate } from './concurrency-gate.ts';
import type { Connection } from './connection.ts';
import { CacheTimeoutError, CacheUnavailableError } from './errors.ts';
import type { StatsRecorder } from './stats.ts';

/** Why a call has no answer: the breaker is open, Wick's own queue was full, or Valkey failed. */
export type UnansweredReason = 'open' | 'shed' | 'failed';

export type GuardedResult<R> = { ok: true; value: R } | { ok: false; reason: UnansweredReason };

const BREAKER_OPEN: GuardedResult<never> = { ok: false, reason: 'open' };
const SHED: GuardedResult<never> = { ok: false, reason: 'shed' };
const FAILED: GuardedResult<never> = { ok: false, reason: 'failed' };

export class GuardedCall {
  constructor(
    private readonly connection: Connection,
    private readonly breaker: CircuitBreaker,
    private readonly gate: ConcurrencyGate,
    private readonly stats: StatsRecorder,
    private readonly logger: Logger | undefined,
  ) {}

  /** One Valkey call; `ok: false` means the caller goes without the cache (never throws). */
  async run<R>(op: string, send: (client: GlideClusterClient) => Promise<R>): Promise<GuardedResult<R>> {
    if (!this.breaker.allow()) return BREAKER_OPEN;
    if (!this.gate.tryEnter()) {
      if (!(await this.gate.enter())) return this.shed(op);
      // The breaker may have opened while this call waited: do not send it to a sick cluster.
      if (!this.breaker.allow()) {
        this.gate.leave();
        return BREAKER_OPEN;
      }
    }
    const sentAt = performance.now();
    try {
      const value = await this.connection.call(send);
      this.stats.latency(op, performance.now() - sentAt);
      this.breaker.success();
      return { ok: true, value };
    } catch (err) {
      if (isSaturation(err)) return this.shed(op);
      this.stats.latency(op, performance.now() - sentAt);
      this.stats.inc('errors');
      if (isTimeout(err)) this.stats.inc('timeouts');
      const fatal = isFatal(err);
      this.breaker.failure(fatal, { kind: isTimeout(err) ? 'timeout' : fatal ? 'unreachable' : 'error', detail: `${op}: ${String(err)}` });
      this.logger?.debug({ err: String(err), op }, 'cache: valkey call failed');
      return FAILED;
    } finally {
      this.gate.leave();
    }
  }

  private shed(op: string): GuardedResult<never> {
    this.stats.inc('shed');
    this.logger?.debug({ op }, 'cache: call shed, the queue toward valkey is full');
    return SHED;
  }
}

export function isTimeout(err: unknown): boolean {
  return err instanceof TimeoutError || err instanceof CacheTimeoutError;
}

/** Errors that mean "the cluster is not there" rather than "this call was slow": open the breaker at once. */
export function isFatal(err: unknown): boolean {
  if (err instanceof CacheUnavailableError || err instanceof ClosingError || err instanceof ConnectionError) return true;
  const message = err instanceof Error ? err.message : String(err);
  return /connection refused|failed to create initial connections|broken pipe|connection reset|all connections/i.test(message);
}

/** glide refusing a call because this client already has its maximum in flight: the process is busy. */
export function isSaturation(err: unknown): boolean {
  return err instanceof Error && /maximum inflight requests/i.test(err.message);
}
