import type { Logger } from 'pino';
import type { CircuitBreaker } from './breaker.ts';
import type { Connection } from './connection.ts';

export interface ProbeDeps {
  breaker: CircuitBreaker;
  connection: Connection;
  logger: Logger | undefined;
  /** Work that waits for Valkey even while the breaker is closed (deferred generation bumps). */
  hasPendingWork: () => boolean;
  retryPendingWork: () => Promise<void>;
}

/** If probes keep failing this long, replace the client (e.g. the whole cluster was re-created). */
const RECREATE_AFTER_MS = 10_000;

/**
 * The breaker's background prober: requests never probe and never wait for one. While the breaker
 * is open it pings every primary; a good ping closes the breaker, and a cluster that stays
 * unreachable for RECREATE_AFTER_MS gets a fresh client. Once closed, it lands deferred bumps.
 */
export class BreakerProbe {
  private running: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(private readonly deps: ProbeDeps) {}

  /** Probes every `intervalMs` in the background (the timer does not keep the process alive). */
  start(intervalMs: number): void {
    this.timer = setInterval(() => void this.probe(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
  }

  /** Concurrent callers share the running probe. */
  probe(): Promise<void> {
    this.running ??= this.probeOnce().finally(() => (this.running = null));
    return this.running;
  }

  private async probeOnce(): Promise<void> {
    const { breaker, connection, logger } = this.deps;
    if (this.stopped) return;
    if (breaker.state === 'closed' && !this.deps.hasPendingWork()) return;
    if (!connection.current) return; // the connection loop is still trying
    if (breaker.state !== 'closed') {
      breaker.probing();
      try {
        await connection.call((client) => client.ping({ route: 'allPrimaries' }));
        breaker.success();
      } catch {
        breaker.probeFailed();
        if (Date.now() - breaker.openedAt > RECREATE_AFTER_MS) {
          logger?.warn('cache: valkey still unreachable, recreating the client');
          breaker.trip();
          connection.recreate();
        }
        return;
      }
    }
    await this.deps.retryPendingWork();
  }
}
