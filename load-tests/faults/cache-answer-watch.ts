// Whether each process's cache answered: its failed Valkey calls (timeouts on a busy box, errors),
// calls shed before they were sent, and its breaker state, sampled every 250 ms. A compute whose
// result is cached reaches MySQL only when a Valkey read of it did not answer (getOrLoad then runs
// the loader: packages/cache get-or-load.ts); fault 3 counts a read as cached — its answer cannot
// need MySQL — only if its process's cache answered throughout it.
import { setTimeout as sleep } from 'node:timers/promises';

export interface CacheSample {
  /** When the sample's request was sent: the counts it read are at least this new. */
  sent: number;
  /** When its answer came: the counts it read are at most this new. */
  received: number;
  /** Failed Valkey calls (event="error", timeouts included) plus calls shed before sending (event="shed"). */
  unanswered: number;
  /** wick_cache_breaker_state: 0 closed, 1 half-open, 2 open. */
  breaker: number;
}

/** The samples a /metrics text gives: unanswered calls and breaker state (null when a metric is missing). */
export function cacheSampleOf(metrics: string): Pick<CacheSample, 'unanswered' | 'breaker'> | null {
  const event = (name: string) => {
    const m = new RegExp(`^wick_cache_events_total\\{[^}]*event="${name}"[^}]*\\} (\\S+)$`, 'm').exec(metrics);
    return m ? Number(m[1]) : 0;
  };
  const breaker = /^wick_cache_breaker_state (\S+)$/m.exec(metrics);
  if (!breaker) return null;
  return { unanswered: event('error') + event('shed'), breaker: Number(breaker[1]) };
}

/**
 * True when the samples show the cache answered every call from before `start` to after `end`: a
 * sample read wholly before the start and one sent after the end agree on the count of unanswered
 * calls, and both saw the breaker closed (it opens only after failed calls, so it cannot open and
 * close again between two samples without the count moving). Without such samples: false.
 */
export function answeredThroughout(samples: readonly CacheSample[], start: number, end: number): boolean {
  let before: CacheSample | undefined;
  let after: CacheSample | undefined;
  for (const s of samples) {
    if (s.received <= start) before = s;
    if (s.sent >= end && after === undefined) after = s;
  }
  return (
    before !== undefined && after !== undefined && before.unanswered === after.unanswered && before.breaker === 0 && after.breaker === 0
  );
}

export class CacheAnswerWatch {
  private readonly samples = new Map<string, CacheSample[]>();
  private running = false;
  private loop: Promise<void> = Promise.resolve();

  constructor(private readonly servers: readonly string[]) {}

  start(): void {
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        await Promise.all(this.servers.map((base) => this.sample(base)));
        await sleep(250);
      }
    })();
  }

  /** Stops after one more round of samples, so every read that ended before the call is covered. */
  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
    await Promise.all(this.servers.map((base) => this.sample(base)));
  }

  /** Whether `server`'s cache answered every call while a read spanned [start, end]. */
  answered(server: string | null, start: number, end: number): boolean {
    return server !== null && answeredThroughout(this.samples.get(server) ?? [], start, end);
  }

  /** Unanswered calls each process counted while watched. */
  unanswered(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [base, list] of this.samples) out[base] = list.length === 0 ? 0 : list.at(-1)!.unanswered - list[0]!.unanswered;
    return out;
  }

  private async sample(base: string): Promise<void> {
    const sent = performance.now();
    try {
      const res = await fetch(`${base}/metrics`, { signal: AbortSignal.timeout(10_000) });
      const sample = cacheSampleOf(await res.text());
      if (!sample) return;
      const list = this.samples.get(base) ?? [];
      list.push({ sent, received: performance.now(), ...sample });
      this.samples.set(base, list);
    } catch {
      // A missed sample only widens the span a read is judged over (toward "the cache may not have answered").
    }
  }
}
