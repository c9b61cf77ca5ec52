import { describe, expect, it } from 'vitest';
import { diffTimes } from './bar-diff.ts';

describe('what changed between two windows of bars', () => {
  it('a live tick: the open bar moved, or one bar was appended', () => {
    expect(diffTimes([1, 2, 3], [1, 2, 3])).toEqual({ kind: 'tail', from: 2 });
    expect(diffTimes([1, 2, 3], [1, 2, 3, 4])).toEqual({ kind: 'tail', from: 2 });
  });

  it('history in front keeps the view: the count of bars added', () => {
    expect(diffTimes([3, 4, 5], [1, 2, 3, 4, 5])).toEqual({ kind: 'prepend', count: 2 });
  });

  it('anything else is a new window', () => {
    expect(diffTimes([], [1])).toEqual({ kind: 'reset' });
    expect(diffTimes([1, 2, 3], [7, 8, 9])).toEqual({ kind: 'reset' });
    expect(diffTimes([1, 2, 3], [2, 3, 4])).toEqual({ kind: 'reset' });
  });
});
