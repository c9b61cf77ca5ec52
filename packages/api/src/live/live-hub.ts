import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { CandleService, Series } from '../services/candles.ts';
import type { SymbolService } from '../services/symbols.ts';
import { CandleChannel } from './candle-channel.ts';
import { IndicatorComputations } from './indicator-computations.ts';
import { DEFAULT_LIVE_CONFIG, type LiveConfig } from './live-config.ts';
import { LiveFeeds, type LiveFeed } from './live-feed.ts';
import { LiveMetrics, type LiveCounts, type LiveProcedure } from './live-metrics.ts';
import type { LiveSource } from './live-source.ts';
import { SeriesFollower } from './series-follower.ts';
import { StreamSlots, type StreamLease } from './stream-slots.ts';

export interface LiveHubDeps {
  /** The cache's live bus. */
  source: LiveSource;
  services: { symbols: SymbolService; candles: CandleService };
  /** The server's registry (the live metrics register beside the API's); absent in unit tests. */
  registry?: Registry;
  log: Logger;
  config?: Partial<LiveConfig>;
}

/**
 * The live push of one server process: the streams open here (capped per caller, ended together at
 * shutdown), the indicator computations they share, and their metrics. Each stream follows its
 * channel through the cache's bus, which holds one upstream subscription per channel however many
 * streams listen; what a stream missed comes back from the channel's Valkey stream (MAXLEN ~ 1,000
 * entries per series, ~ 10,000 liquidations: the replay bound), else it gets one resync event.
 */
export class LiveHub {
  readonly config: LiveConfig;
  readonly metrics: LiveMetrics;
  readonly source: LiveSource;
  readonly services: LiveHubDeps['services'];
  readonly indicators: IndicatorComputations;
  /** Streams a transport may drive by push (the SSE writer claims them by the signal it passed). */
  readonly feeds = new LiveFeeds();
  /** candles.live per series: one follower and one event per step for all of the series' streams. */
  private readonly candleChannels = new Map<string, CandleChannel>();
  private readonly slots: StreamSlots;
  private readonly log: Logger;

  constructor(deps: LiveHubDeps) {
    this.config = { ...DEFAULT_LIVE_CONFIG, ...deps.config };
    this.metrics = new LiveMetrics(deps.registry);
    this.source = deps.source;
    this.services = deps.services;
    this.log = deps.log;
    this.slots = new StreamSlots(this.config.maxStreamsPerClient);
    this.indicators = new IndicatorComputations({
      candles: deps.services.candles,
      follower: (spec) => this.follower(spec.series),
      metrics: this.metrics,
      log: deps.log,
      retryMs: this.config.retryMs,
    });
  }

  /** A stream slot for `owner`, or TOO_MANY_REQUESTS / SERVICE_UNAVAILABLE (counted) before anything opens. */
  openStream(procedure: LiveProcedure, owner: string, callerSignal: AbortSignal | undefined): StreamLease {
    try {
      return this.slots.acquire(owner, callerSignal);
    } catch (err) {
      this.metrics.streamRefused(procedure, (err as { code?: string }).code ?? 'INTERNAL_SERVER_ERROR');
      throw err;
    }
  }

  follower(series: Series): SeriesFollower {
    return new SeriesFollower(
      this.source,
      { kind: 'series', series },
      { replayBatch: this.config.replayBatch, retryMs: this.config.retryMs },
    );
  }

  /** The series' candle channel, started on first use; it stops (and is forgotten) with its last member. */
  candleChannel(series: Series): CandleChannel {
    const key = `${series.symbol}:${series.interval}`;
    let channel = this.candleChannels.get(key);
    if (!channel) {
      const created = new CandleChannel(series, {
        follower: this.follower(series),
        metrics: this.metrics,
        onClosed: () => {
          if (this.candleChannels.get(key) === created) this.candleChannels.delete(key);
        },
      });
      this.candleChannels.set(key, created);
      channel = created;
    }
    return channel;
  }

  /** The stream a procedure offered under `signal`, to drive by push (see LiveFeed); undefined: iterate it. */
  claimFeed(signal: AbortSignal): LiveFeed<unknown> | undefined {
    return this.feeds.claim(signal);
  }

  /** candles.live channels open on this process (one per series with streams). */
  get candleChannelCount(): number {
    return this.candleChannels.size;
  }

  stats(): LiveCounts & { streams: number } {
    return { ...structuredClone(this.metrics.counts), streams: this.slots.open };
  }

  /**
   * Ends every stream (their clients reconnect elsewhere and resume from their last id) and stops
   * the computations; refuses new streams. Returns how many streams were open.
   */
  async close(): Promise<number> {
    const ended = this.slots.closeAll();
    await this.indicators.closeAll();
    await Promise.allSettled([...this.candleChannels.values()].map((channel) => channel.close()));
    this.log.info({ streams: ended }, 'live: streams ended for shutdown');
    return ended;
  }
}

export function createLiveHub(deps: LiveHubDeps): LiveHub {
  return new LiveHub(deps);
}
