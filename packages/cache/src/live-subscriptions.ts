import type { Logger } from 'pino';
import { CacheUnavailableError } from './errors.ts';
import { parseFrame } from './live-frame.ts';
import type { LiveMetrics } from './live-metrics.ts';
import type { LiveGap, LiveMessage, LiveSubscription } from './live-types.ts';

/** The pub/sub connection as the registry sees it (live-upstream.ts; a fake in unit tests). */
export interface LiveUpstream {
  /** Subscribes; true once confirmed. On false the channel stays wanted and is retried in the background. */
  subscribe(channel: string): Promise<boolean>;
  unsubscribe(channel: string): Promise<void>;
  /** A new connection in place of the current one, every wanted channel requested again on it. */
  reconnect(): Promise<void>;
  /** The channels subscribed upstream right now; undefined when that is unknown (no connection). */
  actual(): Promise<ReadonlySet<string> | undefined>;
}

export interface LiveListener {
  onMessage: (message: LiveMessage<unknown>) => void;
  onGap?: (gap: LiveGap) => void;
}

interface ChannelState {
  name: string;
  decode: (payload: Buffer) => unknown;
  listeners: Set<LiveListener>;
  /** pending: the first subscribe is in flight · active: subscribed upstream · interrupted: not (any more). */
  upstream: 'pending' | 'active' | 'interrupted';
  /** The first upstream subscribe (whoever joins later waits for it too). */
  ready: Promise<void>;
  /** The last stream id delivered here. */
  lastId: string | undefined;
  /** Bumped on every upstream transition, so a watcher snapshot older than a transition is ignored. */
  version: number;
}

/**
 * After this many watcher passes with a subscription still lost (4 s at the default 250 ms), and as
 * often again while one is, the pub/sub connection is replaced. Measured with glide 2.5.2 after a
 * primary's kill -9: it restores a shard's only channel by itself in about 4 s, but with two or more
 * channels on that shard it took 20–24 s, and asking again on the same client (SSUBSCRIBE, or
 * SUNSUBSCRIBE + SSUBSCRIBE) timed out until then; a new client subscribed them at once.
 */
export const RECONNECT_EVERY_CHECKS = 16;

export interface LiveSubscriptionsDeps {
  upstream: LiveUpstream;
  metrics: LiveMetrics;
  logger: Logger | undefined;
  /** How often the watcher compares upstream's actual subscriptions with ours. */
  checkMs: number;
}

/**
 * The read side of the live bus in one process: one upstream subscription per channel, shared by
 * reference count among local listeners and released with the last; messages dispatched to the
 * channel's listeners (nobody listening: dropped at once, nothing is queued); and gap detection:
 * - sequence: every message carries the id of its predecessor in the stream; one that does not
 *   follow the last id delivered here means something was published that this process missed;
 * - resubscribed: a watcher polls the connection's actual subscriptions; a channel that was lost
 *   (failover, reconnect) and is back may have missed messages in between, even if none follows.
 * Either way the channel's listeners get onGap and replay from the stream themselves.
 */
export class LiveSubscriptions {
  private readonly channels = new Map<string, ChannelState>();
  /** Per channel name, the chain of upstream (un)subscribe calls, so they reach upstream in order. */
  private readonly ops = new Map<string, Promise<unknown>>();
  private timer: NodeJS.Timeout | null = null;
  private checking = false;
  /** Consecutive watcher passes that found some subscription lost. */
  private lostChecks = 0;
  private reconnecting = false;
  private closed = false;

  constructor(private readonly deps: LiveSubscriptionsDeps) {}

  get upstreamCount(): number {
    return this.channels.size;
  }

  get localCount(): number {
    let n = 0;
    for (const state of this.channels.values()) n += state.listeners.size;
    return n;
  }

  async subscribe(name: string, decode: (payload: Buffer) => unknown, listener: LiveListener): Promise<LiveSubscription> {
    if (this.closed) throw new CacheUnavailableError('the cache is closed: no new live subscriptions');
    let state = this.channels.get(name);
    if (!state) {
      const created: ChannelState = {
        name,
        decode,
        listeners: new Set(),
        upstream: 'pending',
        ready: Promise.resolve(),
        lastId: undefined,
        version: 0,
      };
      created.ready = this.chain(name, () => this.deps.upstream.subscribe(name)).then((ok) => {
        if (created.upstream !== 'pending') return;
        created.upstream = ok ? 'active' : 'interrupted';
        created.version++;
      });
      this.channels.set(name, created);
      this.startWatching();
      state = created;
    }
    state.listeners.add(listener);
    await state.ready;
    const joined = state;
    let left = false;
    return {
      established: joined.upstream === 'active',
      unsubscribe: async () => {
        if (left) return;
        left = true;
        await this.leave(joined, listener);
      },
    };
  }

  /** A message from the pub/sub connection's callback. */
  dispatch(channel: string, message: Buffer): void {
    const { metrics, logger } = this.deps;
    const state = this.channels.get(channel);
    if (!state || state.listeners.size === 0) {
      metrics.message('dropped');
      return;
    }
    const frame = parseFrame(message);
    if (!frame) {
      metrics.message('malformed');
      return;
    }
    // A message proves the subscription is in place, whatever the watcher last saw.
    const interrupted = state.upstream === 'interrupted';
    if (state.upstream !== 'active') {
      state.upstream = 'active';
      state.version++;
    }
    // Nothing was missed if this message follows the last one delivered here, even after an outage.
    const follows = state.lastId !== undefined && frame.prevId === state.lastId;
    if (!follows && (interrupted || state.lastId !== undefined)) this.gap(state, interrupted ? 'resubscribed' : 'sequence');
    state.lastId = frame.id;
    const event = state.decode(frame.payload);
    if (event === undefined) {
      metrics.message('malformed');
      return;
    }
    metrics.message('delivered');
    const delivered: LiveMessage<unknown> = { id: frame.id, event };
    for (const listener of [...state.listeners]) {
      try {
        listener.onMessage(delivered);
      } catch (err) {
        logger?.warn({ err: String(err), channel }, 'live: a subscriber threw');
      }
    }
  }

  /** The pub/sub client was replaced (reconnected from scratch): every channel may have missed messages. */
  connectionReplaced(): void {
    for (const state of this.channels.values()) {
      if (state.upstream === 'active') {
        state.upstream = 'interrupted';
        state.version++;
      }
    }
  }

  /** One watcher pass: compare upstream's actual subscriptions with ours (also driven by tests). */
  async check(): Promise<void> {
    if (this.checking || this.closed) return;
    this.checking = true;
    try {
      const versions = new Map([...this.channels.values()].map((state) => [state, state.version]));
      const actual = await this.deps.upstream.actual();
      if (!actual) return;
      for (const [state, version] of versions) {
        if (state.version !== version || this.channels.get(state.name) !== state || state.upstream === 'pending') continue;
        const subscribed = actual.has(state.name);
        if (subscribed && state.upstream === 'interrupted') {
          state.upstream = 'active';
          state.version++;
          this.gap(state, 'resubscribed');
        } else if (!subscribed && state.upstream === 'active') {
          state.upstream = 'interrupted';
          state.version++;
        }
      }
      const lost = [...this.channels.values()].some((state) => state.upstream === 'interrupted');
      this.lostChecks = lost ? this.lostChecks + 1 : 0;
      if (lost && this.lostChecks % RECONNECT_EVERY_CHECKS === 0) this.reconnect();
    } catch (err) {
      this.deps.logger?.debug({ err: String(err) }, 'live: subscription check failed');
    } finally {
      this.checking = false;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.stopWatching();
    this.channels.clear();
    await Promise.allSettled([...this.ops.values()]);
  }

  private async leave(state: ChannelState, listener: LiveListener): Promise<void> {
    state.listeners.delete(listener);
    if (state.listeners.size > 0 || this.channels.get(state.name) !== state) return;
    // Gone from the map first: anything still arriving for it is dropped at once.
    this.channels.delete(state.name);
    if (this.channels.size === 0) this.stopWatching();
    if (this.closed) return;
    await this.chain(state.name, () => this.deps.upstream.unsubscribe(state.name));
  }

  private reconnect(): void {
    if (this.reconnecting) return;
    this.reconnecting = true;
    this.deps.metrics.reconnect();
    this.deps.logger?.warn({ lostChecks: this.lostChecks }, 'live: subscriptions still lost, replacing the pub/sub connection');
    void this.deps.upstream
      .reconnect()
      .catch((err: unknown) => this.deps.logger?.warn({ err: String(err) }, 'live: reconnect failed'))
      .finally(() => (this.reconnecting = false));
  }

  private gap(state: ChannelState, reason: LiveGap['reason']): void {
    this.deps.metrics.gap(reason);
    this.deps.logger?.info({ channel: state.name, reason, lastId: state.lastId }, 'live: channel may have missed messages');
    const gap: LiveGap = { reason, lastId: state.lastId };
    for (const listener of [...state.listeners]) {
      try {
        listener.onGap?.(gap);
      } catch (err) {
        this.deps.logger?.warn({ err: String(err), channel: state.name }, 'live: a gap handler threw');
      }
    }
  }

  private chain<R>(name: string, op: () => Promise<R>): Promise<R> {
    const previous = this.ops.get(name) ?? Promise.resolve();
    const next = previous.then(op, op);
    const settled = next.then(
      () => undefined,
      () => undefined,
    );
    this.ops.set(name, settled);
    void settled.then(() => {
      if (this.ops.get(name) === settled) this.ops.delete(name);
    });
    return next;
  }

  private startWatching(): void {
    if (this.timer || this.closed) return;
    this.timer = setInterval(() => void this.check(), this.deps.checkMs);
    this.timer.unref();
  }

  private stopWatching(): void {
    if (!this.timer) return;
    clearInterval(this.timer);
    this.timer = null;
  }
}
