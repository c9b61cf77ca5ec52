/**
 * Events built once and handed to every stream that needs the same one (read-only): streams at the
 * same position of a channel get the same update, so it is computed — and allocated — once, not
 * once per subscriber. A small LRU: only the last positions matter.
 */
export class SharedEvents<T> {
  private readonly entries = new Map<string, T>();

  constructor(private readonly capacity: number) {}

  get(key: string, build: () => T): T {
    const hit = this.entries.get(key);
    if (hit !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    const value = build();
    this.entries.set(key, value);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
    return value;
  }
}
