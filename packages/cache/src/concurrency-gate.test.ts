import { describe, expect, it } from 'vitest';
import { ConcurrencyGate } from './concurrency-gate.ts';

describe('ConcurrencyGate', () => {
  it('admits up to the limit, queues up to maxQueued in order, and refuses the rest at once', async () => {
    const gate = new ConcurrencyGate(2, 2);
    expect(gate.tryEnter()).toBe(true);
    expect(await gate.enter()).toBe(true);
    expect(gate.tryEnter()).toBe(false);
    const admitted: string[] = [];
    const first = gate.enter().then((ok) => admitted.push(`first:${ok}`));
    const second = gate.enter().then((ok) => admitted.push(`second:${ok}`));
    expect(gate.queued).toBe(2);
    expect(await gate.enter()).toBe(false); // queue full: refused without waiting
    expect(gate.queued).toBe(2);

    gate.leave();
    await first;
    expect(admitted).toEqual(['first:true']);
    expect(gate.inFlight).toBe(2); // the slot was handed over, not freed
    gate.leave();
    await second;
    expect(admitted).toEqual(['first:true', 'second:true']);
    expect(gate.queued).toBe(0);
    gate.leave();
    gate.leave();
    expect(gate.inFlight).toBe(0);
    expect(gate.tryEnter()).toBe(true);
  });

  it('a free slot never goes to a newcomer while others wait', async () => {
    const gate = new ConcurrencyGate(1, 10);
    expect(gate.tryEnter()).toBe(true);
    const order: number[] = [];
    const waiting = [1, 2, 3].map((n) => gate.enter().then(() => order.push(n)));
    gate.leave();
    expect(gate.tryEnter()).toBe(false); // the slot belongs to waiter 1
    for (let i = 0; i < 3; i++) {
      await Promise.resolve();
      gate.leave();
    }
    await Promise.all(waiting);
    expect(order).toEqual([1, 2, 3]);
    expect(gate.inFlight).toBe(0);
  });

  it('stays correct over many cycles (the FIFO compacts itself)', async () => {
    const gate = new ConcurrencyGate(3, 5_000);
    let peak = 0;
    let done = 0;
    const work = Array.from({ length: 4_000 }, async () => {
      if (!(await gate.enter())) throw new Error('refused below maxQueued');
      peak = Math.max(peak, gate.inFlight);
      await Promise.resolve();
      done++;
      gate.leave();
    });
    await Promise.all(work);
    expect(done).toBe(4_000);
    expect(peak).toBe(3);
    expect(gate.inFlight).toBe(0);
    expect(gate.queued).toBe(0);
  });
});
