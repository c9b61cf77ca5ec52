import type { SeededRandom } from '@wick/market';

/** Volatility regimes: long calm stretches, livelier spells, short bursts that trend. */
export const REGIMES = {
  calm: { volatility: 1, meanDurationMs: 180_000, trend: 0, next: { active: 0.7, burst: 0.3 } },
  active: { volatility: 2.5, meanDurationMs: 60_000, trend: 0, next: { calm: 0.6, burst: 0.4 } },
  // A burst also drifts one way (in volatility units per second): the fast moves that liquidate.
  burst: { volatility: 6, meanDurationMs: 15_000, trend: 0.4, next: { active: 0.6, calm: 0.4 } },
} as const;

export type Regime = keyof typeof REGIMES;

export interface PriceWalkOptions {
  startPrice: number;
  /** Standard deviation of the log price over one second in the calm regime. */
  volatilityPerSecond: number;
  random: SeededRandom;
  regime?: Regime;
}

/**
 * A log-price random walk with regime switching (a continuous-time Markov chain over REGIMES):
 * log p(t + dt) = log p(t) + trend·dt + σ·k·√dt·N(0, 1), k the regime's volatility multiple.
 */
export class PriceWalk {
  private logPrice: number;
  private currentRegime: Regime;
  /** +1 or −1: the way the current burst trends. */
  private direction = 1;
  private readonly sigma: number;
  private readonly random: SeededRandom;

  constructor(options: PriceWalkOptions) {
    if (!(options.startPrice > 0)) throw new RangeError(`startPrice must be > 0, got ${options.startPrice}`);
    this.logPrice = Math.log(options.startPrice);
    this.sigma = options.volatilityPerSecond;
    this.random = options.random;
    this.currentRegime = options.regime ?? 'calm';
  }

  get price(): number {
    return Math.exp(this.logPrice);
  }

  get regime(): Regime {
    return this.currentRegime;
  }

  /** The calm regime's σ of the log price over one second. */
  get volatilityPerSecond(): number {
    return this.sigma;
  }

  /** Moves the price `dtMs` ahead and returns it. */
  step(dtMs: number): number {
    if (dtMs <= 0) return this.price;
    const dt = dtMs / 1000;
    this.maybeSwitch(dtMs);
    const r = REGIMES[this.currentRegime];
    const sigma = this.sigma * r.volatility;
    this.logPrice += this.direction * r.trend * sigma * dt + sigma * Math.sqrt(dt) * this.random.normal();
    return this.price;
  }

  private maybeSwitch(dtMs: number): void {
    const r = REGIMES[this.currentRegime];
    if (this.random.next() >= 1 - Math.exp(-dtMs / r.meanDurationMs)) return;
    let u = this.random.next();
    for (const [name, p] of Object.entries(r.next) as [Regime, number][]) {
      u -= p;
      if (u < 0) {
        this.currentRegime = name;
        break;
      }
    }
    if (this.currentRegime === 'burst') this.direction = this.random.next() < 0.5 ? -1 : 1;
  }
}
