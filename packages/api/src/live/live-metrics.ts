import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export const LIVE_PROCEDURES = ['candles', 'indicators', 'liquidations'] as const;
export type LiveProcedure = (typeof LIVE_PROCEDURES)[number];

/** Why a subscriber got a resync instead of the events: its id is older than the replay window, or it fell too far behind. */
export type ResyncReason = 'replay_window' | 'queue_full' | 'history_changed';

export interface LiveCounts {
  open: Record<LiveProcedure, number>;
  delivered: Record<LiveProcedure, number>;
  coalesced: Record<LiveProcedure, number>;
  dropped: Record<LiveProcedure, number>;
  resyncs: Record<LiveProcedure, number>;
  /** Indicator computations shared by this process's indicators.live subscribers. */
  computations: number;
  /** Events encoded into wire frames by the transport (an event written to many streams is encoded once). */
  framesEncoded: number;
}

const perProcedure = (): Record<LiveProcedure, number> => ({ candles: 0, indicators: 0, liquidations: 0 });

/**
 * The live push's metrics, on the server's registry beside the API's (the bus's own — upstream
 * subscriptions, messages received, events published — are the cache's: wick_live_upstream_subscriptions,
 * wick_live_messages_received_total, wick_live_published_total).
 */
export class LiveMetrics {
  readonly counts: LiveCounts = {
    open: perProcedure(),
    delivered: perProcedure(),
    coalesced: perProcedure(),
    dropped: perProcedure(),
    resyncs: perProcedure(),
    computations: 0,
    framesEncoded: 0,
  };
  /** Lengths of the event queues of open streams (read at scrape time). */
  private readonly queues = new Set<() => number>();
  private readonly prom?: {
    opened: Counter<'procedure'>;
    refused: Counter<'procedure' | 'code'>;
    events: Counter<'procedure' | 'outcome'>;
    resyncs: Counter<'procedure' | 'reason'>;
    latency: Histogram<'procedure'>;
    frames: Counter;
  };

  constructor(registry: Registry | undefined) {
    if (!registry) return;
    const registers = [registry];
    const counts = this.counts;
    new Gauge({
      name: 'wick_live_streams_open',
      help: 'Live (SSE) streams open on this process, by procedure',
      labelNames: ['procedure'],
      registers,
      collect() {
        for (const p of LIVE_PROCEDURES) this.set({ procedure: p }, counts.open[p]);
      },
    });
    const queues = this.queues;
    new Gauge({
      name: 'wick_live_queue_longest',
      help: 'Events waiting in the longest queue of an open live stream (bounded by LIVE_QUEUE_LIMIT: a slow reader gets a resync, not more memory)',
      registers,
      collect() {
        let longest = 0;
        for (const length of queues) longest = Math.max(longest, length());
        this.set(longest);
      },
    });
    new Gauge({
      name: 'wick_live_indicator_computations',
      help: 'Indicator computations shared by the indicators.live subscribers of this process (one per series, indicator, params and limit)',
      registers,
      collect() {
        this.set(counts.computations);
      },
    });
    this.prom = {
      opened: new Counter({
        name: 'wick_live_streams_opened_total',
        help: 'Live streams opened, by procedure',
        labelNames: ['procedure'],
        registers,
      }),
      refused: new Counter({
        name: 'wick_live_streams_refused_total',
        help: 'Live streams refused before they opened, by procedure and tRPC code (TOO_MANY_REQUESTS: the per-client cap)',
        labelNames: ['procedure', 'code'],
        registers,
      }),
      events: new Counter({
        name: 'wick_live_events_total',
        help: 'Live events by outcome: delivered (written to a stream), coalesced (superseded by a newer one before delivery), dropped (replaced by a resync)',
        labelNames: ['procedure', 'outcome'],
        registers,
      }),
      resyncs: new Counter({
        name: 'wick_live_resyncs_total',
        help: 'Resync events sent instead of the missed events, by reason',
        labelNames: ['procedure', 'reason'],
        registers,
      }),
      latency: new Histogram({
        name: 'wick_live_push_latency_seconds',
        help: 'From the event entering its Valkey stream (right after the ingest commit) to its write to a subscriber stream',
        labelNames: ['procedure'],
        buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
        registers,
      }),
      frames: new Counter({
        name: 'wick_live_frames_encoded_total',
        help: 'Live events encoded into SSE frames: once per event, however many streams it is written to',
        registers,
      }),
    };
  }

  streamOpened(procedure: LiveProcedure): void {
    this.counts.open[procedure] += 1;
    this.prom?.opened.inc({ procedure });
  }

  streamClosed(procedure: LiveProcedure): void {
    this.counts.open[procedure] -= 1;
  }

  streamRefused(procedure: LiveProcedure, code: string): void {
    this.prom?.refused.inc({ procedure, code });
  }

  /** `n` streams were written the same event now (one fan-out counts once, not n times through the labels). */
  delivered(procedure: LiveProcedure, publishedAtMs: number | undefined, n = 1): void {
    this.counts.delivered[procedure] += n;
    if (!this.prom) return;
    this.prom.events.inc({ procedure, outcome: 'delivered' }, n);
    if (publishedAtMs === undefined) return;
    const latency = this.prom.latency.labels({ procedure });
    const seconds = Math.max(0, Date.now() - publishedAtMs) / 1000;
    for (let i = 0; i < n; i++) latency.observe(seconds);
  }

  /** An event encoded into its wire frame (once per event, however many streams are written it). */
  frameEncoded(): void {
    this.counts.framesEncoded += 1;
    this.prom?.frames.inc();
  }

  coalesced(procedure: LiveProcedure, n: number): void {
    if (n <= 0) return;
    this.counts.coalesced[procedure] += n;
    this.prom?.events.inc({ procedure, outcome: 'coalesced' }, n);
  }

  dropped(procedure: LiveProcedure, n: number): void {
    if (n <= 0) return;
    this.counts.dropped[procedure] += n;
    this.prom?.events.inc({ procedure, outcome: 'dropped' }, n);
  }

  resync(procedure: LiveProcedure, reason: ResyncReason, n = 1): void {
    this.counts.resyncs[procedure] += n;
    this.prom?.resyncs.inc({ procedure, reason }, n);
  }

  /** Reports a stream's queue length to the `wick_live_queue_longest` gauge until the returned function is called. */
  trackQueue(length: () => number): () => void {
    this.queues.add(length);
    return () => this.queues.delete(length);
  }

  computationOpened(): void {
    this.counts.computations += 1;
  }

  computationClosed(): void {
    this.counts.computations -= 1;
  }
}
