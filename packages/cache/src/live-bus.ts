import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { CacheConfigError } from './errors.ts';
import type { GuardedCall } from './guarded-call.ts';
import type { KeyBuilder, SeriesRef } from './keys.ts';
import { resolveChannel } from './live-channel.ts';
import { LiveMetrics } from './live-metrics.ts';
import { LivePublisher } from './live-publisher.ts';
import { LiveSubscriptions } from './live-subscriptions.ts';
import type { LiveChannel, LiveMessage, LiveStats, LiveSubscription, ReplayResult, SeriesEvent, SubscribeOptions } from './live-types.ts';
import { GlideUpstream } from './live-upstream.ts';

export interface LiveBusConfig {
  nodes: { host: string; port: number }[];
  requestTimeoutMs: number;
  connectTimeoutMs: number;
  seriesStreamLength: number;
  globalStreamLength: number;
  subscribeTimeoutMs: number;
  checkMs: number;
}

export interface LiveBusDeps {
  keys: KeyBuilder;
  valkey: GuardedCall;
  registry: Registry | undefined;
  logger: Logger | undefined;
}

/**
 * The live bus: events go out through the cache's own client (one script: stream + sharded
 * publish, live-publisher.ts) and come in through a pub/sub client of their own, shared by every
 * local subscriber (live-subscriptions.ts, live-upstream.ts).
 */
export class LiveBus {
  private readonly metrics: LiveMetrics;
  private readonly publisher: LivePublisher;
  private readonly subscriptions: LiveSubscriptions;
  private readonly upstream: GlideUpstream;
  private readonly keys: KeyBuilder;

  constructor(config: LiveBusConfig, deps: LiveBusDeps) {
    this.metrics = new LiveMetrics(deps.registry, () => this.sizes());
    this.publisher = new LivePublisher({
      keys: deps.keys,
      valkey: deps.valkey,
      metrics: this.metrics,
      seriesStreamLength: config.seriesStreamLength,
      globalStreamLength: config.globalStreamLength,
    });
    this.upstream = new GlideUpstream(config, deps.logger, {
      onMessage: (channel, message) => this.subscriptions.dispatch(channel, message),
      onReplaced: () => this.subscriptions.connectionReplaced(),
    });
    this.subscriptions = new LiveSubscriptions({
      upstream: this.upstream,
      metrics: this.metrics,
      logger: deps.logger,
      checkMs: config.checkMs,
    });
    this.keys = deps.keys;
  }

  publishSeries(series: SeriesRef, event: SeriesEvent): Promise<string | undefined> {
    return this.publisher.publishSeries(series, event);
  }

  publishGlobal(name: string, event: unknown): Promise<string | undefined> {
    return this.publisher.publishGlobal(name, event);
  }

  async subscribe(
    channel: LiveChannel,
    onMessage: (message: LiveMessage<unknown>) => void,
    options?: SubscribeOptions,
  ): Promise<LiveSubscription> {
    const resolved = resolveChannel(this.keys, channel);
    if (typeof onMessage !== 'function') throw new CacheConfigError('subscribe: onMessage must be a function');
    if (options?.onGap !== undefined && typeof options.onGap !== 'function')
      throw new CacheConfigError('subscribe: onGap must be a function');
    return this.subscriptions.subscribe(resolved.name, resolved.decode, { onMessage, onGap: options?.onGap });
  }

  replay(channel: LiveChannel, afterId: string | undefined, limit: number): Promise<ReplayResult<unknown> | undefined> {
    return this.publisher.replay(channel, afterId, limit);
  }

  stats(): LiveStats {
    return this.metrics.snapshot(this.sizes());
  }

  async close(): Promise<void> {
    await this.subscriptions.close();
    await this.upstream.close();
  }

  private sizes(): { upstream: number; local: number } {
    return { upstream: this.subscriptions.upstreamCount, local: this.subscriptions.localCount };
  }
}
