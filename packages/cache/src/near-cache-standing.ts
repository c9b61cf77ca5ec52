/**
 * A member's good standing: subscribed to the bus AND a member (not fenced) AND before its local
 * deadline — the send time of its last successful renewal + lease − margin, on its own monotonic
 * clock. The writer counts the lease from Valkey's clock at the renewal (later than the send), so
 * the member's deadline always passes first: no clock sync needed, only clocks that run at about
 * the same rate (the margin).
 *
 * `epoch` moves on every change of standing, lost or regained: anything learned under another epoch
 * (a version read while not in standing, or before a lapse that may have hidden an announcement) is
 * void. A lapse noticed late (a renewal answered after the deadline had passed) still counts.
 */
export class Standing {
  private member = false;
  private subscribed = false;
  private deadline = -Infinity;
  private good = false;
  private epochValue = 0;

  constructor(
    private readonly leaseMs: number,
    private readonly marginMs: number,
    private readonly now: () => number,
    /** Standing changed (lost or regained): what the member kept is dropped. */
    private readonly onChange: (good: boolean) => void,
  ) {}

  get epoch(): number {
    return this.epochValue;
  }

  /** Whether the member may use what it keeps now (checked on every use). */
  isGood(): boolean {
    if (this.good && this.now() >= this.deadline) this.set(false);
    return this.good;
  }

  /** A join or renewal sent at `sentAt` extended the lease (and reached a replica). */
  renewed(sentAt: number): void {
    // It lapsed since the last renewal (a pause, a slow answer): a writer may have skipped us meanwhile.
    if (this.good && this.now() >= this.deadline) this.set(false);
    this.member = true;
    this.deadline = Math.max(this.deadline, sentAt + this.leaseMs - this.marginMs);
    this.update();
  }

  /** The renewal found us gone (fenced, or the set was cleared): rejoin. */
  fenced(): void {
    this.member = false;
    this.update();
  }

  /** A renewal that failed (Valkey unreachable, not replicated): the deadline stays, and passes. */
  subscription(up: boolean): void {
    // Down, or up again after being down: messages of the gap may be lost.
    if (this.subscribed !== up && this.good) this.set(false);
    this.subscribed = up;
    this.update();
  }

  /** Leaves for good (close). */
  leave(): void {
    this.member = false;
    this.subscribed = false;
    this.update();
  }

  private update(): void {
    const good = this.member && this.subscribed && this.now() < this.deadline;
    if (good !== this.good) this.set(good);
  }

  private set(good: boolean): void {
    this.good = good;
    this.epochValue++;
    this.onChange(good);
  }
}

/** The default margin of a lease: a tenth, at least 50 ms. */
export const leaseMargin = (leaseMs: number): number => Math.max(50, Math.floor(leaseMs / 10));
