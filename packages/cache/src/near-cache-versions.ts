/** A series (or namespace) version, as CacheVersion in types.ts (kept apart: types.ts names the NearCache). */
export interface NearVersion {
  gen: string;
  headRev: number;
}
type CacheVersion = NearVersion;

/** Taken before a version is read from Valkey: the read is kept only if nothing moved that id since. */
export interface VersionTicket {
  readonly all: number;
  readonly one: number;
}

interface Slot {
  version: CacheVersion | undefined;
  /** Moves on every invalidation of the id: a read begun before one is void. */
  epoch: number;
}

/**
 * A member's local map of version ids → the versions it read from Valkey since their last
 * announcement. An announcement drops the id's version (the next reader reads it again, after the
 * write), rather than setting the announced one: a writer knows only part of the version (a head
 * advance does not read the generation, a bump not the head) and a clear sends generations back to
 * "none yet", which no max() can express.
 */
export class NearVersions {
  private readonly slots = new Map<string, Slot>();
  private epoch = 0;

  get(id: string): CacheVersion | undefined {
    return this.slots.get(id)?.version;
  }

  ticket(id: string): VersionTicket {
    return { all: this.epoch, one: this.slots.get(id)?.epoch ?? 0 };
  }

  /** Keeps a version read after `ticket` was taken, unless the id (or everything) was invalidated since. */
  remember(id: string, version: CacheVersion, ticket: VersionTicket): boolean {
    // Generation '0' is "none yet": the next loader creates one without announcing it (no data moved).
    if (version.gen === '0' || ticket.all !== this.epoch) return false;
    const slot = this.slots.get(id);
    if ((slot?.epoch ?? 0) !== ticket.one) return false;
    if (!slot) this.slots.set(id, { version, epoch: 0 });
    else if (!slot.version || newer(version, slot.version)) slot.version = version;
    return true;
  }

  invalidate(id: string): void {
    const slot = this.slots.get(id);
    if (slot) {
      slot.version = undefined;
      slot.epoch++;
    } else this.slots.set(id, { version: undefined, epoch: 1 });
  }

  clear(): void {
    this.epoch++;
    this.slots.clear();
  }

  get size(): number {
    return this.slots.size;
  }
}

/** Generations are decimal integers (server time based); then the head rev. */
function newer(a: CacheVersion, b: CacheVersion): boolean {
  if (a.gen !== b.gen) return a.gen.length !== b.gen.length ? a.gen.length > b.gen.length : a.gen > b.gen;
  return a.headRev > b.headRev;
}
