import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** What a process's near-cache bus did, as plain counts (tests, stats) and prom-client metrics. */
export interface NearCacheCounts {
  announcements: number;
  acks: number;
  /** Members this process fenced (they did not ack in time). */
  fences: number;
  /** Times this process found itself fenced (its renewal answered "not a member"). */
  fencedSelf: number;
  /** Changes to good standing, and away from it. */
  standingGained: number;
  standingLost: number;
  /** Live members (besides this process) its last announcement found. */
  members: number;
}

export class NearCacheMetrics {
  readonly counts: NearCacheCounts = {
    announcements: 0,
    acks: 0,
    fences: 0,
    fencedSelf: 0,
    standingGained: 0,
    standingLost: 0,
    members: 0,
  };
  private readonly prom?: {
    announcements: Counter;
    acks: Counter;
    fences: Counter;
    standing: Counter<'to'>;
    ackWait: Histogram;
  };

  constructor(registry: Registry | undefined, standing: () => number | null) {
    if (!registry) return;
    const registers = [registry];
    const counts = this.counts;
    new Gauge({
      name: 'wick_near_cache_members',
      help: 'Live near-cache members (other processes) the last version announcement of this process had to wait for',
      registers,
      collect() {
        this.set(counts.members);
      },
    });
    new Gauge({
      name: 'wick_near_cache_standing',
      help: 'This process as a near-cache member: 1 in good standing (versions from its local map), 0 not (each hit reads Valkey); absent in read mode',
      registers,
      collect() {
        const s = standing();
        if (s !== null) this.set(s);
      },
    });
    this.prom = {
      announcements: new Counter({
        name: 'wick_near_cache_announcements_total',
        help: 'Version-publishing writes of this process announced to the near-cache members',
        registers,
      }),
      acks: new Counter({ name: 'wick_near_cache_acks_total', help: 'Acks of members for announcements of this process', registers }),
      fences: new Counter({
        name: 'wick_near_cache_fences_total',
        help: 'Members this process fenced (no ack within the ack timeout); the write then waited out their lease',
        registers,
      }),
      standing: new Counter({
        name: 'wick_near_cache_standing_changes_total',
        help: 'Changes of this process near-cache standing, by the state it went to (good, lost)',
        labelNames: ['to'],
        registers,
      }),
      ackWait: new Histogram({
        name: 'wick_near_cache_ack_wait_seconds',
        help: 'How long a version-publishing write waited for the members after its own write (acks, and any fence + lease)',
        buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.1, 0.5, 1, 2.5, 5, 10],
        registers,
      }),
    };
  }

  announced(members: number): void {
    this.counts.announcements++;
    this.counts.members = members;
    this.prom?.announcements.inc();
  }

  acked(): void {
    this.counts.acks++;
    this.prom?.acks.inc();
  }

  fenced(n: number): void {
    this.counts.fences += n;
    this.prom?.fences.inc(n);
  }

  fencedSelf(): void {
    this.counts.fencedSelf++;
  }

  standing(good: boolean): void {
    if (good) this.counts.standingGained++;
    else this.counts.standingLost++;
    this.prom?.standing.inc({ to: good ? 'good' : 'lost' });
  }

  ackWait(ms: number): void {
    this.prom?.ackWait.observe(ms / 1000);
  }
}
