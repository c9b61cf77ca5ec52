import type { Logger } from 'pino';
import type { CandleService } from '../services/candles.ts';
import { IndicatorComputation, type IndicatorSpec } from './indicator-computation.ts';
import type { LiveMetrics } from './live-metrics.ts';
import type { SeriesFollower } from './series-follower.ts';

export interface ComputationHandle {
  computation: IndicatorComputation;
  /** Leaves the computation; it stops with its last subscriber. */
  release(): Promise<void>;
}

interface Entry {
  computation: IndicatorComputation;
  refs: number;
  started: Promise<void>;
}

/**
 * The indicator computations of this process, one per series + indicator + canonical params +
 * limit, reference-counted by their subscribers: however many streams watch RSI(14) over the last
 * 500 candles of BTCUSDT 1m, one state follows the series and computes each update once.
 */
export class IndicatorComputations {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly deps: {
      candles: CandleService;
      follower: (spec: IndicatorSpec) => SeriesFollower;
      metrics: LiveMetrics;
      log: Logger;
      retryMs: number;
    },
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /** Joins (or starts) the computation of `spec`; rejects with the first build's error (the computation is then dropped). */
  async acquire(spec: IndicatorSpec): Promise<ComputationHandle> {
    const id = `${spec.series.symbol}:${spec.series.interval}:${spec.indicator}:${spec.canonical}:${spec.limit}`;
    let entry = this.entries.get(id);
    if (!entry) {
      const computation = new IndicatorComputation(spec, {
        candles: this.deps.candles,
        follower: this.deps.follower(spec),
        log: this.deps.log,
        retryMs: this.deps.retryMs,
      });
      entry = { computation, refs: 0, started: computation.start() };
      this.entries.set(id, entry);
      this.deps.metrics.computationOpened();
    }
    const joined = entry;
    joined.refs += 1;
    let released = false;
    const release = async () => {
      if (released) return;
      released = true;
      joined.refs -= 1;
      if (joined.refs > 0 || this.entries.get(id) !== joined) return;
      this.entries.delete(id);
      this.deps.metrics.computationClosed();
      await joined.computation.close();
    };
    try {
      await joined.started;
    } catch (err) {
      await release();
      throw err;
    }
    return { computation: joined.computation, release };
  }

  async closeAll(): Promise<void> {
    const all = [...this.entries.values()];
    this.entries.clear();
    for (const _ of all) this.deps.metrics.computationClosed();
    await Promise.allSettled(all.map((e) => e.computation.close()));
  }
}
