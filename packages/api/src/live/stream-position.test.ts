import { compareStreamIds } from '@wick/cache';
import { describe, expect, it } from 'vitest';
import { idBefore, lastEventId, publishedAtMs } from './stream-position.ts';

describe('stream positions', () => {
  it('idBefore is the id just before, so an exclusive replay from it starts at the id itself', () => {
    expect(idBefore('1700000000000-5')).toBe('1700000000000-4');
    expect(idBefore('1700000000000-0')).toBe('1699999999999-18446744073709551615');
    expect(idBefore('0-0')).toBeUndefined();
    for (const id of ['5-0', '5-1', '1700000000000-0']) expect(compareStreamIds(idBefore(id)!, id)).toBeLessThan(0);
  });

  it('accepts what Valkey writes and nothing else', () => {
    expect(lastEventId.safeParse('1700000000000-0').success).toBe(true);
    for (const bad of ['', '17-', '-1', '01-0', '1-01', '1.5-0', '1-0 ', 'x'.repeat(40)])
      expect(lastEventId.safeParse(bad).success).toBe(false);
    expect(publishedAtMs('1700000000123-7')).toBe(1_700_000_000_123);
  });
});
