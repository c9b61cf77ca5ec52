// The live registry's own logic (reference counting, dispatch, gap detection) against a scripted
// upstream: pure logic, no Valkey. The real pub/sub path is in test/live.test.ts and
// test/cluster-failure-live.test.ts.
import { describe, expect, it } from 'vitest';
import { LiveMetrics } from './live-metrics.ts';
import { LiveSubscriptions, RECONNECT_EVERY_CHECKS, type LiveUpstream } from './live-subscriptions.ts';
import type { LiveGap, LiveMessage } from './live-types.ts';

class ScriptedUpstream implements LiveUpstream {
  readonly calls: string[] = [];
  readonly subscribed = new Set<string>();
  confirm = true;
  known = true;

  async subscribe(channel: string): Promise<boolean> {
    this.calls.push(`+${channel}`);
    await Promise.resolve();
    if (this.confirm) this.subscribed.add(channel);
    return this.confirm;
  }

  async unsubscribe(channel: string): Promise<void> {
    this.calls.push(`-${channel}`);
    await Promise.resolve();
    this.subscribed.delete(channel);
  }

  async reconnect(): Promise<void> {
    this.calls.push('reconnect');
    await Promise.resolve();
    if (this.confirm) for (const channel of this.wanted) this.subscribed.add(channel);
  }

  /** What a new connection would subscribe again. */
  get wanted(): string[] {
    const wanted = new Set<string>();
    for (const call of this.calls) {
      if (call.startsWith('+')) wanted.add(call.slice(1));
      if (call.startsWith('-')) wanted.delete(call.slice(1));
    }
    return [...wanted];
  }

  async actual(): Promise<ReadonlySet<string> | undefined> {
    return this.known ? new Set(this.subscribed) : undefined;
  }
}

function frame(id: string, prevId: string, payload: string): Buffer {
  return Buffer.concat([
    Buffer.from([id.length]),
    Buffer.from(id),
    Buffer.from([prevId.length]),
    Buffer.from(prevId),
    Buffer.from(payload),
  ]);
}

const text = (payload: Buffer): unknown => payload.toString();
const bad = (): unknown => undefined;

function setup() {
  const upstream = new ScriptedUpstream();
  const metrics = new LiveMetrics(undefined, () => ({ upstream: 0, local: 0 }));
  // A long check interval: the tests drive the watcher themselves (check()).
  const registry = new LiveSubscriptions({ upstream, metrics, logger: undefined, checkMs: 60_000 });
  return { upstream, metrics, registry };
}

function recorder() {
  const messages: LiveMessage<unknown>[] = [];
  const gaps: LiveGap[] = [];
  return { messages, gaps, listener: { onMessage: (m: LiveMessage<unknown>) => messages.push(m), onGap: (g: LiveGap) => gaps.push(g) } };
}

describe('live subscriptions (registry logic)', () => {
  it('one upstream subscription per channel however many local subscribers; released with the last', async () => {
    const { upstream, registry } = setup();
    const a = recorder();
    const b = recorder();
    const c = recorder();
    const [sa, sb] = await Promise.all([registry.subscribe('ch1', text, a.listener), registry.subscribe('ch1', text, b.listener)]);
    const sc = await registry.subscribe('ch2', text, c.listener);
    expect(upstream.calls).toEqual(['+ch1', '+ch2']);
    expect([sa.established, sb.established, sc.established]).toEqual([true, true, true]);
    expect(registry.upstreamCount).toBe(2);
    expect(registry.localCount).toBe(3);

    registry.dispatch('ch1', frame('1-0', '', 'x'));
    expect(a.messages).toEqual([{ id: '1-0', event: 'x' }]);
    expect(b.messages).toEqual([{ id: '1-0', event: 'x' }]);
    expect(c.messages).toEqual([]);

    await sa.unsubscribe();
    await sa.unsubscribe(); // twice is once
    expect(upstream.calls).toEqual(['+ch1', '+ch2']);
    await sb.unsubscribe();
    expect(upstream.calls).toEqual(['+ch1', '+ch2', '-ch1']);
    expect(registry.upstreamCount).toBe(1);
    await sc.unsubscribe();
    expect(upstream.calls).toEqual(['+ch1', '+ch2', '-ch1', '-ch2']);
    expect(registry.localCount).toBe(0);
  });

  it('a message for a channel nobody here listens to is dropped at once and counted', async () => {
    const { metrics, registry } = setup();
    const a = recorder();
    const sub = await registry.subscribe('ch', text, a.listener);
    await sub.unsubscribe();
    registry.dispatch('ch', frame('1-0', '', 'late'));
    registry.dispatch('never', frame('2-0', '', 'stray'));
    expect(a.messages).toEqual([]);
    expect(metrics.counts).toMatchObject({ received: 2, dropped: 2, delivered: 0 });
  });

  it('leaving and re-joining a channel reaches upstream in order: unsubscribe, then subscribe again', async () => {
    const { upstream, registry } = setup();
    const first = await registry.subscribe('ch', text, recorder().listener);
    const leaving = first.unsubscribe();
    const again = registry.subscribe('ch', text, recorder().listener);
    await Promise.all([leaving, again]);
    expect(upstream.calls).toEqual(['+ch', '-ch', '+ch']);
    expect(upstream.subscribed.has('ch')).toBe(true);
  });

  it('a message that does not follow the last one delivered here is a sequence gap, reported before it is delivered', async () => {
    const { metrics, registry } = setup();
    const a = recorder();
    const order: string[] = [];
    await registry.subscribe('ch', text, {
      onMessage: (m) => {
        a.listener.onMessage(m);
        order.push(`message ${m.id}`);
      },
      onGap: (g) => {
        a.listener.onGap(g);
        order.push(`gap after ${g.lastId}`);
      },
    });
    registry.dispatch('ch', frame('5-0', '4-0', 'e5')); // the first message here: nothing to compare with
    registry.dispatch('ch', frame('6-0', '5-0', 'e6'));
    registry.dispatch('ch', frame('9-0', '8-0', 'e9')); // 7-0 and 8-0 never arrived
    expect(a.messages.map((m) => m.id)).toEqual(['5-0', '6-0', '9-0']);
    expect(a.gaps).toEqual([{ reason: 'sequence', lastId: '6-0' }]);
    expect(order).toEqual(['message 5-0', 'message 6-0', 'gap after 6-0', 'message 9-0']);
    expect(metrics.counts.gaps).toBe(1);
  });

  it('an upstream subscription lost and restored is a `resubscribed` gap, even when no message follows', async () => {
    const { upstream, registry } = setup();
    const a = recorder();
    await registry.subscribe('ch', text, a.listener);
    registry.dispatch('ch', frame('1-0', '', 'e1'));
    await registry.check();
    expect(a.gaps).toEqual([]);
    upstream.subscribed.delete('ch'); // failover: the connection to the shard is gone
    await registry.check();
    expect(a.gaps).toEqual([]);
    upstream.known = false; // no client at all for a while: nothing is concluded
    await registry.check();
    upstream.known = true;
    upstream.subscribed.add('ch'); // glide restored it
    await registry.check();
    await registry.check();
    expect(a.gaps).toEqual([{ reason: 'resubscribed', lastId: '1-0' }]);
  });

  it('while a subscription stays lost the connection is replaced every few checks, until it is back', async () => {
    const { upstream, registry } = setup();
    const a = recorder();
    await registry.subscribe('ch', text, a.listener);
    await registry.subscribe('other', text, recorder().listener);
    registry.dispatch('ch', frame('1-0', '', 'e1'));
    for (let i = 0; i < 3 * RECONNECT_EVERY_CHECKS; i++) await registry.check();
    expect(upstream.calls).toEqual(['+ch', '+other']); // never while everything is in place
    upstream.subscribed.delete('ch');
    upstream.confirm = false; // the shard is still failing over: the first new connection does not help
    for (let i = 0; i < RECONNECT_EVERY_CHECKS; i++) await registry.check();
    await new Promise((resolve) => setImmediate(resolve));
    expect(upstream.calls).toEqual(['+ch', '+other', 'reconnect']);
    upstream.confirm = true;
    for (let i = 0; i < RECONNECT_EVERY_CHECKS - 1; i++) await registry.check();
    expect(upstream.calls).toEqual(['+ch', '+other', 'reconnect']);
    await registry.check();
    await new Promise((resolve) => setImmediate(resolve));
    expect(upstream.calls).toEqual(['+ch', '+other', 'reconnect', 'reconnect']);
    expect(a.gaps).toEqual([]);
    await registry.check(); // now in place: the gap is reported
    expect(a.gaps).toEqual([{ reason: 'resubscribed', lastId: '1-0' }]);
    for (let i = 0; i < 2 * RECONNECT_EVERY_CHECKS; i++) await registry.check();
    expect(upstream.calls.filter((c) => c === 'reconnect').length).toBe(2);
  });

  it('after an interruption, a message that follows the last one delivered proves nothing was missed', async () => {
    const { upstream, registry } = setup();
    const a = recorder();
    await registry.subscribe('ch', text, a.listener);
    registry.dispatch('ch', frame('1-0', '', 'e1'));
    upstream.subscribed.delete('ch');
    await registry.check();
    registry.dispatch('ch', frame('2-0', '1-0', 'e2'));
    upstream.subscribed.add('ch');
    await registry.check();
    expect(a.gaps).toEqual([]);
    expect(a.messages.map((m) => m.id)).toEqual(['1-0', '2-0']);
  });

  it('an unconfirmed subscription says so, and its gap comes once it is in place', async () => {
    const { upstream, registry } = setup();
    upstream.confirm = false;
    const a = recorder();
    const sub = await registry.subscribe('ch', text, a.listener);
    expect(sub.established).toBe(false);
    await registry.check();
    expect(a.gaps).toEqual([]);
    upstream.subscribed.add('ch'); // the background retry got it
    await registry.check();
    expect(a.gaps).toEqual([{ reason: 'resubscribed', lastId: undefined }]);
    const late = await registry.subscribe('ch', text, recorder().listener);
    expect(late.established).toBe(true);
  });

  it('a replaced connection marks every channel interrupted', async () => {
    const { registry } = setup();
    const a = recorder();
    await registry.subscribe('ch', text, a.listener);
    registry.dispatch('ch', frame('1-0', '', 'e1'));
    registry.connectionReplaced();
    registry.dispatch('ch', frame('3-0', '2-0', 'e3'));
    expect(a.gaps).toEqual([{ reason: 'resubscribed', lastId: '1-0' }]);
  });

  it('malformed frames and payloads are counted, not delivered; a throwing subscriber does not stop the others', async () => {
    const { metrics, registry } = setup();
    const a = recorder();
    await registry.subscribe('raw', bad, a.listener);
    registry.dispatch('raw', Buffer.from([0]));
    registry.dispatch('raw', frame('1-0', '', 'undecodable'));
    expect(a.messages).toEqual([]);
    expect(metrics.counts.malformed).toBe(2);

    const b = recorder();
    await registry.subscribe('ch', text, {
      onMessage: () => {
        throw new Error('subscriber bug');
      },
    });
    await registry.subscribe('ch', text, b.listener);
    registry.dispatch('ch', frame('1-0', '', 'e1'));
    expect(b.messages.map((m) => m.id)).toEqual(['1-0']);
    expect(metrics.counts.delivered).toBe(1);
  });
});
