import { describe, expect, it } from 'vitest';
import { PendingAcks } from './near-cache-acks.ts';
import { decodeAck, decodeAnnouncement, encodeAck, encodeAnnouncement, leaseOf, memberName } from './near-cache-message.ts';
import { leaseMargin, Standing } from './near-cache-standing.ts';
import { NearVersions } from './near-cache-versions.ts';

function standing(lease = 1_000) {
  let now = 0;
  const changes: boolean[] = [];
  const s = new Standing(
    lease,
    leaseMargin(lease),
    () => now,
    (good) => changes.push(good),
  );
  return { s, changes, at: (t: number) => void (now = t) };
}

describe('near-cache standing', () => {
  it('is good only while subscribed, a member and before the deadline (send time + lease − margin)', () => {
    const { s, changes, at } = standing(1_000);
    expect(s.isGood()).toBe(false);
    s.renewed(0);
    expect(s.isGood()).toBe(false); // not subscribed yet
    s.subscription(true);
    expect(s.isGood()).toBe(true);
    at(899);
    expect(s.isGood()).toBe(true);
    at(900); // 0 + 1000 − 100
    expect(s.isGood()).toBe(false);
    expect(changes).toEqual([true, false]);
  });

  it('counts a lapse that is only noticed when a late renewal answers, and moves the epoch', () => {
    const { s, changes, at } = standing(1_000);
    s.subscription(true);
    s.renewed(0);
    const epoch = s.epoch;
    at(5_000); // paused past the deadline; nobody asked meanwhile
    s.renewed(4_990);
    expect(changes).toEqual([true, false, true]);
    expect(s.epoch).toBe(epoch + 2);
    expect(s.isGood()).toBe(true);
  });

  it('loses standing when fenced or when the subscription drops, and regains it only after both are back', () => {
    const { s, changes } = standing();
    s.subscription(true);
    s.renewed(0);
    s.fenced();
    expect(s.isGood()).toBe(false);
    s.renewed(10);
    expect(s.isGood()).toBe(true);
    s.subscription(false);
    expect(s.isGood()).toBe(false);
    s.subscription(true);
    expect(s.isGood()).toBe(true);
    expect(changes).toEqual([true, false, true, false, true]);
  });

  it('a renewal sent before the last one never moves the deadline back', () => {
    const { s, at } = standing(1_000);
    s.subscription(true);
    s.renewed(500);
    s.renewed(100);
    at(1_399);
    expect(s.isGood()).toBe(true);
  });
});

describe('near-cache versions', () => {
  const v = (gen: string, headRev: number) => ({ gen, headRev });

  it('keeps a read only when nothing invalidated the id (or everything) since its ticket', () => {
    const m = new NearVersions();
    const t1 = m.ticket('a');
    m.invalidate('a'); // an announcement overtook the read
    expect(m.remember('a', v('1', 1), t1)).toBe(false);
    expect(m.get('a')).toBeUndefined();
    const t2 = m.ticket('a');
    expect(m.remember('a', v('1', 2), t2)).toBe(true);
    expect(m.get('a')).toEqual(v('1', 2));
    const t3 = m.ticket('b');
    m.clear();
    expect(m.remember('b', v('1', 1), t3)).toBe(false);
    expect(m.get('a')).toBeUndefined();
  });

  it('of two reads after the same announcement keeps the newer; an id never read is remembered as invalidated', () => {
    const m = new NearVersions();
    const t = m.ticket('a');
    m.remember('a', v('100', 5), t);
    m.remember('a', v('100', 4), t);
    expect(m.get('a')).toEqual(v('100', 5));
    m.remember('a', v('99', 9), t);
    expect(m.get('a')).toEqual(v('100', 5));
    m.remember('a', v('1000', 0), t);
    expect(m.get('a')).toEqual(v('1000', 0));
    const tb = m.ticket('b');
    m.invalidate('b');
    expect(m.remember('b', v('1', 1), tb)).toBe(false);
    // "No generation yet" is never kept: the first loader creates one, unannounced.
    expect(m.remember('c', v('0', 3), m.ticket('c'))).toBe(false);
    expect(m.get('c')).toBeUndefined();
  });
});

describe('near-cache acks', () => {
  it('counts acks that arrive before the member list, and names who did not ack', async () => {
    const acks = new PendingAcks();
    acks.open(1);
    expect(acks.ack(1, 'b/1000')).toBe(true); // early
    const missing = acks.wait(1, ['b/1000', 'c/1000', 'd/1000'], 50);
    expect(acks.ack(1, 'c/1000')).toBe(true);
    expect(acks.ack(1, 'x/1000')).toBe(false);
    expect(await missing).toEqual(['d/1000']);
    expect(acks.size).toBe(0);
  });

  it('resolves at once when every member acked', async () => {
    const acks = new PendingAcks();
    acks.open(2);
    const done = acks.wait(2, ['b/1000'], 60_000);
    acks.ack(2, 'b/1000');
    expect(await done).toEqual([]);
    expect(await acks.wait(3, [], 60_000)).toEqual([]);
  });
});

describe('near-cache messages', () => {
  it('round-trip, and refuse anything else', () => {
    const a = { writer: 'w1', writeId: 7, ids: ['BTCUSDT:1m', 'ns:symbols'] };
    expect(decodeAnnouncement(encodeAnnouncement(a))).toEqual(a);
    expect(decodeAck(encodeAck({ member: 'm/2000', writeId: 9 }))).toEqual({ member: 'm/2000', writeId: 9 });
    for (const bad of ['', 'a w1', 'a w1 x ids', 'k m', 'a w1 1 ids extra', 'z w 1 a'])
      expect(decodeAnnouncement(bad) ?? decodeAck(bad)).toBeNull();
    expect(leaseOf(memberName('p', 1500))).toBe(1500);
    expect(leaseOf('garbage')).toBeNull();
  });
});
