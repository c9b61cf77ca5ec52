/**
 * A counting semaphore with a bounded FIFO wait queue: at most `limit` holders at once, at most
 * `maxQueued` waiters. A caller that finds the queue full is told so at once instead of waiting,
 * so an overloaded process sheds work early rather than letting it pile up behind the limit.
 */
export class ConcurrencyGate {
  private holders = 0;
  private readonly waiters: ((admitted: boolean) => void)[] = [];
  /** Index of the oldest waiter in `waiters` (a cheap FIFO without Array#shift on every release). */
  private head = 0;

  constructor(
    private readonly limit: number,
    private readonly maxQueued: number,
  ) {}

  /** Takes a slot when one is free, without waiting. */
  tryEnter(): boolean {
    if (this.holders >= this.limit || this.queued > 0) return false;
    this.holders++;
    return true;
  }

  /** Waits for a slot; resolves false at once when the wait queue is already full. */
  enter(): Promise<boolean> {
    if (this.tryEnter()) return Promise.resolve(true);
    if (this.queued >= this.maxQueued) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => this.waiters.push(resolve));
  }

  /** Gives a slot back; the oldest waiter, if any, inherits it. */
  leave(): void {
    if (this.queued > 0) {
      const next = this.waiters[this.head]!;
      this.head++;
      if (this.head === this.waiters.length) {
        this.waiters.length = 0;
        this.head = 0;
      } else if (this.head > 1024 && this.head * 2 > this.waiters.length) {
        this.waiters.splice(0, this.head);
        this.head = 0;
      }
      next(true);
      return;
    }
    this.holders--;
  }

  get inFlight(): number {
    return this.holders;
  }

  get queued(): number {
    return this.waiters.length - this.head;
  }
}
