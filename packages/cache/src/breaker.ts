export type BreakerState = 'closed' | 'open' | 'half-open';

/** What opened the breaker: Valkey too slow, not there, failing otherwise, or not connected yet. */
export interface TripCause {
  kind: 'timeout' | 'unreachable' | 'error' | 'not_connected';
  detail: string;
}

export interface BreakerOptions {
  failureThreshold: number;
  /** `cause` is set when the breaker trips (closed → open): the failure that tripped it. */
  onChange?: (state: BreakerState, cause?: TripCause) => void;
}

/**
 * Consecutive-failure circuit breaker. Requests only ever ask `allow()`; they never probe. A
 * background prober (see probe.ts) moves open → half-open while its probe runs, and closes the
 * breaker on success, so a dead Valkey costs a request at most the one timeout that tripped it.
 * A fatal failure (connection refused / client gone) trips at once instead of after the threshold.
 */
export class CircuitBreaker {
  private _state: BreakerState = 'closed';
  private failures = 0;
  private _openedAt = 0;

  constructor(private readonly opts: BreakerOptions) {}

  get state(): BreakerState {
    return this._state;
  }

  /** When the breaker last opened (ms epoch); 0 if never. */
  get openedAt(): number {
    return this._openedAt;
  }

  allow(): boolean {
    return this._state === 'closed';
  }

  success(): void {
    this.failures = 0;
    if (this._state !== 'closed') this.set('closed');
  }

  failure(fatal = false, cause?: TripCause): void {
    this.failures++;
    if (this._state === 'closed' && (fatal || this.failures >= this.opts.failureThreshold)) this.trip(cause);
  }

  trip(cause?: TripCause): void {
    const wasClosed = this._state === 'closed';
    if (wasClosed) this._openedAt = Date.now();
    if (this._state !== 'open') this.set('open', wasClosed ? cause : undefined);
  }

  probing(): void {
    if (this._state === 'open') this.set('half-open');
  }

  probeFailed(): void {
    if (this._state === 'half-open') this.set('open');
  }

  private set(state: BreakerState, cause?: TripCause): void {
    this._state = state;
    this.opts.onChange?.(state, cause);
  }
}
