import { TRPCError } from '@trpc/server';

/** A held stream slot: its signal aborts when the caller leaves or the server shuts down; release it when the stream ends. */
export interface StreamLease {
  readonly signal: AbortSignal;
  release(): void;
  /**
   * Ends the stream with an abort (never a clean return) once its signal fired: tRPC then closes the
   * response without its "return" event, so an EventSource reconnects — to another process after a
   * shutdown — and resumes from its last id, instead of completing the subscription for good.
   */
  throwIfEnded(): void;
}

/**
 * The streams open on this process: a cap per owner (key or IP), and the handle shutdown uses to
 * end them all. The cap is per process (each one behind a load balancer enforces its own): a
 * cluster-wide count would need a lease in Valkey renewed by every stream.
 */
export class StreamSlots {
  private readonly byOwner = new Map<string, number>();
  private readonly controllers = new Set<AbortController>();
  private closing = false;

  constructor(private readonly maxPerOwner: number) {}

  get open(): number {
    return this.controllers.size;
  }

  /** Throws TOO_MANY_REQUESTS when `owner` holds its cap already, SERVICE_UNAVAILABLE while shutting down. */
  acquire(owner: string, callerSignal: AbortSignal | undefined): StreamLease {
    if (this.closing) {
      throw new TRPCError({ code: 'SERVICE_UNAVAILABLE', message: 'This server is shutting down; reconnect to another one.' });
    }
    const held = this.byOwner.get(owner) ?? 0;
    if (held >= this.maxPerOwner) {
      throw new TRPCError({
        code: 'TOO_MANY_REQUESTS',
        message: `At most ${this.maxPerOwner} live streams per API key (or IP without one) on this server; close one before opening another.`,
      });
    }
    this.byOwner.set(owner, held + 1);
    const controller = new AbortController();
    this.controllers.add(controller);
    const signal = callerSignal ? AbortSignal.any([callerSignal, controller.signal]) : controller.signal;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      this.controllers.delete(controller);
      const left = (this.byOwner.get(owner) ?? 1) - 1;
      if (left > 0) this.byOwner.set(owner, left);
      else this.byOwner.delete(owner);
    };
    // A stream that never started (the caller left before its first read) must not keep its slot.
    signal.addEventListener('abort', release, { once: true });
    return {
      signal,
      release,
      throwIfEnded() {
        if (signal.aborted) throw new DOMException('the live stream ended', 'AbortError');
      },
    };
  }

  /** Ends every open stream (each releases its slot as it unwinds); refuses new ones. Returns how many were open. */
  closeAll(): number {
    this.closing = true;
    const open = [...this.controllers];
    for (const controller of open) controller.abort(new DOMException('the server is shutting down', 'AbortError'));
    return open.length;
  }
}
