import { Counter, Gauge, type Registry } from 'prom-client';
import type { LiveGap, LiveStats } from './live-types.ts';

type MessageOutcome = 'delivered' | 'dropped' | 'malformed';

/** The live bus's counters, mirrored into prom-client metrics when a registry is given. */
export class LiveMetrics {
  readonly counts = { received: 0, delivered: 0, dropped: 0, malformed: 0, gaps: 0, reconnects: 0, published: 0, publishFailed: 0 };
  private readonly prom?: {
    messages: Counter<'outcome'>;
    gaps: Counter<'reason'>;
    reconnects: Counter;
    published: Counter<'outcome'>;
  };

  /** `sizes` is read at scrape time: channels with an upstream subscription, local subscribers. */
  constructor(registry: Registry | undefined, sizes: () => { upstream: number; local: number }) {
    if (!registry) return;
    const registers = [registry];
    new Gauge({
      name: 'wick_live_upstream_subscriptions',
      help: 'Sharded channels this process is subscribed to upstream (one per channel, however many local subscribers)',
      registers,
      collect() {
        this.set(sizes().upstream);
      },
    });
    new Gauge({
      name: 'wick_live_local_subscribers',
      help: 'Local subscribers of live channels in this process',
      registers,
      collect() {
        this.set(sizes().local);
      },
    });
    this.prom = {
      messages: new Counter({
        name: 'wick_live_messages_received_total',
        help: 'Live messages received from Valkey: delivered to local subscribers, dropped (nobody here listens) or malformed',
        labelNames: ['outcome'],
        registers,
      }),
      gaps: new Counter({
        name: 'wick_live_gaps_total',
        help: 'Times a channel may have missed messages here (resubscribed after an outage, or a sequence gap)',
        labelNames: ['reason'],
        registers,
      }),
      reconnects: new Counter({
        name: 'wick_live_reconnects_total',
        help: 'Times the pub/sub connection was replaced because subscriptions stayed lost',
        registers,
      }),
      published: new Counter({
        name: 'wick_live_published_total',
        help: 'Live events published: ok, or failed (Valkey could not take them)',
        labelNames: ['outcome'],
        registers,
      }),
    };
  }

  message(outcome: MessageOutcome): void {
    this.counts.received++;
    this.counts[outcome]++;
    this.prom?.messages.inc({ outcome });
  }

  gap(reason: LiveGap['reason']): void {
    this.counts.gaps++;
    this.prom?.gaps.inc({ reason });
  }

  reconnect(): void {
    this.counts.reconnects++;
    this.prom?.reconnects.inc();
  }

  published(ok: boolean): void {
    if (ok) this.counts.published++;
    else this.counts.publishFailed++;
    this.prom?.published.inc({ outcome: ok ? 'ok' : 'failed' });
  }

  snapshot(sizes: { upstream: number; local: number }): LiveStats {
    return { upstreamSubscriptions: sizes.upstream, localSubscribers: sizes.local, ...this.counts };
  }
}
