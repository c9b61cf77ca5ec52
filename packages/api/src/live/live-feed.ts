/** Where a pushed live stream writes its tracked events. */
export interface LiveTarget<E> {
  /**
   * Writes one tracked event. Streams at the same position are handed the same event object: encode
   * it once (e.g. a WeakMap from event to frame). False when the target is backed up (its socket
   * holds more than it should): nothing more is sent until `resume()`; meanwhile updates coalesce.
   */
  send(id: string, event: E): boolean;
}

/**
 * A live stream a transport may drive by push instead of pulling its async iterator: the stream's
 * events are then written from the channel's fan-out itself, with no generator, promise or timer per
 * event and subscriber. The async iterator stays the contract for every other caller.
 */
export interface LiveFeed<E> {
  /** Streams into `target` until the stream ends: resolves on a clean end, rejects with AbortError when it was ended (client left, shutdown) or with its error. */
  run(target: LiveTarget<E>): Promise<void>;
  /** The target can take more (its socket drained). */
  resume(): void;
}

/**
 * Feeds offered by procedures, keyed by the AbortSignal their caller passed (the one a transport
 * gives callTRPCProcedure): tRPC wraps a subscription's iterable, so the signal is the handle that
 * survives. Weak: a feed nobody claims goes with its signal.
 */
export class LiveFeeds {
  private readonly offered = new WeakMap<AbortSignal, LiveFeed<unknown>>();

  offer<E>(signal: AbortSignal | undefined, feed: LiveFeed<E>): void {
    if (signal) this.offered.set(signal, feed as LiveFeed<unknown>);
  }

  /** The feed offered under `signal` (once): its stream is then driven by push, never by its iterator. */
  claim(signal: AbortSignal): LiveFeed<unknown> | undefined {
    const feed = this.offered.get(signal);
    this.offered.delete(signal);
    return feed;
  }
}
