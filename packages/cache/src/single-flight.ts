/**
 * In-process coalescing: concurrent calls for one id share one promise. `forget` detaches an id so
 * the next caller starts fresh (used after an invalidation so nobody joins a pre-bump flight).
 */
export class SingleFlight<T> {
  private readonly flights = new Map<string, Promise<T>>();

  /** Returns the shared promise and whether this caller started it. */
  run(id: string, fn: () => Promise<T>): { promise: Promise<T>; leader: boolean } {
    const existing = this.flights.get(id);
    if (existing) return { promise: existing, leader: false };
    const flight = fn().finally(() => {
      if (this.flights.get(id) === flight) this.flights.delete(id);
    });
    this.flights.set(id, flight);
    return { promise: flight, leader: true };
  }

  forget(predicate: (id: string) => boolean): void {
    for (const id of this.flights.keys()) if (predicate(id)) this.flights.delete(id);
  }

  get size(): number {
    return this.flights.size;
  }
}
