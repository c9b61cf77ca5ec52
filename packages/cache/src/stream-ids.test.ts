import { describe, expect, it } from 'vitest';
import { compareStreamIds, streamIdSchema } from './stream-ids.ts';

describe('stream ids', () => {
  it('order by milliseconds, then sequence, numerically (not as text)', () => {
    const ids = ['1700000000000-10', '999-0', '1700000000000-2', '1700000000001-0', '0-1', '18446744073709551615-0'];
    const sorted = [...ids].sort(compareStreamIds);
    expect(sorted).toEqual(['0-1', '999-0', '1700000000000-2', '1700000000000-10', '1700000000001-0', '18446744073709551615-0']);
    expect(compareStreamIds('5-5', '5-5')).toBe(0);
  });

  it('accept only ids as Valkey writes them', () => {
    for (const ok of ['0-0', '1700000000000-0', '12-345']) expect(streamIdSchema.safeParse(ok).success).toBe(true);
    for (const bad of ['', '-', '1', '01-0', '1-01', '1-0-0', ' 1-0', '1-0\n', '+', '-', 'abc-1', '(1-0'])
      expect(streamIdSchema.safeParse(bad).success).toBe(false);
  });
});
