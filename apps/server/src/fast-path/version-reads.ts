import type { CacheVersion, SeriesRef } from '@wick/cache';
import { seriesId } from './version.ts';

/**
 * Per-hit version reads, coalesced per series within one turn of the event loop: requests that ask
 * before the read is sent share it (one MGET [gen, head] for all of them). Sound for freshness
 * because the read is only SENT after every request sharing it arrived (setImmediate runs after this
 * turn's I/O callbacks), so each still reads a version at least as new as when it came in; a request
 * arriving once the read is on its way starts the next one, it never joins an older one. With no
 * other read in flight (one request at a time) there is nobody to share with: it is sent at once.
 */
export class VersionReads {
  private readonly pending = new Map<string, Promise<CacheVersion | undefined>>();
  private inFlight = 0;

  constructor(private readonly readVersion: (series: SeriesRef) => Promise<CacheVersion | undefined>) {}

  read(series: SeriesRef): Promise<CacheVersion | undefined> {
    const id = seriesId(series);
    let next = this.pending.get(id);
    if (next) return next;
    if (this.inFlight === 0) return this.send(series);
    next = new Promise((resolve) =>
      setImmediate(() => {
        this.pending.delete(id);
        resolve(this.send(series));
      }),
    );
    this.pending.set(id, next);
    return next;
  }

  private send(series: SeriesRef): Promise<CacheVersion | undefined> {
    this.inFlight++;
    return this.readVersion(series)
      .catch(() => undefined)
      .finally(() => this.inFlight--);
  }
}
