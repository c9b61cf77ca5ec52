/**
 * The TTL of one getOrLoad call, decided by the value it stores rather than by the request: the
 * loader and the advance pass what they produce through `observe`, and `ttlSeconds` then answers
 * for that value (before either ran: `initial`, the request's own guess). getOrLoad reads
 * ttlSeconds when it stores a value, after the loader or the advance produced it, so handing it
 * this object's getter gives each entry the TTL of its own candles (open-candle.ts).
 */
export class DataTtl<T> {
  private seconds: number;

  constructor(
    initial: number,
    private readonly ttlOf: (value: T) => number,
  ) {
    this.seconds = initial;
  }

  get ttlSeconds(): number {
    return this.seconds;
  }

  /** Records what is about to be stored and returns it unchanged (undefined: nothing to store). */
  observe<V extends T | undefined>(value: V): V {
    if (value !== undefined) this.seconds = this.ttlOf(value as T);
    return value;
  }
}
