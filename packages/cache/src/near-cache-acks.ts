interface Write {
  /** Acks that came in before the announcement's member list did (acks and replies travel apart). */
  early: Set<string>;
  waiting: Set<string> | null;
  done: (() => void) | null;
}

/** Announcements waiting for their members' acks, by write id: open before sending, then wait. */
export class PendingAcks {
  private readonly writes = new Map<number, Write>();

  /** Before the announcement goes out: acks for it are kept from now on. */
  open(writeId: number): void {
    this.writes.set(writeId, { early: new Set(), waiting: null, done: null });
  }

  /** Resolves with the members that did not ack within `timeoutMs` (none: everyone applied it). */
  wait(writeId: number, members: Iterable<string>, timeoutMs: number): Promise<string[]> {
    const write = this.writes.get(writeId) ?? { early: new Set<string>(), waiting: null, done: null };
    const waiting = new Set([...members].filter((m) => !write.early.has(m)));
    if (waiting.size === 0) {
      this.writes.delete(writeId);
      return Promise.resolve([]);
    }
    return new Promise((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        this.writes.delete(writeId);
        resolve([...waiting]);
      };
      const timer = setTimeout(finish, timeoutMs);
      write.waiting = waiting;
      write.done = finish;
      this.writes.set(writeId, write);
    });
  }

  /** Forgets a write that will not wait (its announcement failed). */
  close(writeId: number): void {
    this.writes.delete(writeId);
  }

  /** A member's ack; true when it was for a write still open here. */
  ack(writeId: number, member: string): boolean {
    const write = this.writes.get(writeId);
    if (!write) return false;
    if (!write.waiting) {
      write.early.add(member);
      return true;
    }
    if (!write.waiting.delete(member)) return false;
    if (write.waiting.size === 0) write.done!();
    return true;
  }

  get size(): number {
    return this.writes.size;
  }
}
