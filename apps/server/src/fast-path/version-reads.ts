import type { CacheVersion } from '@wick/cache';
import type { VersionSource } from './version.ts';

/**
 * Per-hit version reads, coalesced per version source (a series, or a namespace) within one turn of
 * the event loop: requests that ask before the read is sent share it (one MGET [gen, head] per series,
 * one GET [gen] per namespace, for all of them). Sound for freshness because the read is only SENT
 * after every request sharing it arrived (setImmediate runs after this turn's I/O callbacks), so each
 * still reads a version at least as new as when it came in; a request arriving once the read is on
 * its way starts the next one, it never joins an older one. With no other read in flight (one request
 * at a time) there is nobody to share with: it is sent at once.
 */
export class VersionReads {
  private readonly pending = new Map<string, Promise<CacheVersion | undefined>>();
  private inFlight = 0;

  constructor(private readonly readVersion: (source: VersionSource) => Promise<CacheVersion | undefined>) {}

  /** `id`: the source's id (sourceId), computed once per URL by the caller. */
  read(id: string, source: VersionSource): Promise<CacheVersion | undefined> {
    let next = this.pending.get(id);
    if (next) return next;
    if (this.inFlight === 0) return this.send(source);
    next = new Promise((resolve) =>
      setImmediate(() => {
        this.pending.delete(id);
        resolve(this.send(source));
      }),
    );
    this.pending.set(id, next);
    return next;
  }

  private send(source: VersionSource): Promise<CacheVersion | undefined> {
    this.inFlight++;
    let read: Promise<CacheVersion | undefined>;
    try {
      read = this.readVersion(source);
    } catch (err) {
      read = Promise.reject(err);
    }
    return read.catch(() => undefined).finally(() => this.inFlight--);
  }
}
