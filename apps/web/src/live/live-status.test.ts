import { describe, expect, it } from 'vitest';
import { overallStatus, StreamRegistry } from './live-status.ts';

describe('the live status of the page', () => {
  it('the worst stream wins; paused overrides; no stream is idle', () => {
    expect(overallStatus(['live', 'live'], false)).toBe('live');
    expect(overallStatus(['live', 'connecting'], false)).toBe('connecting');
    expect(overallStatus(['connecting', 'reconnecting', 'live'], false)).toBe('reconnecting');
    expect(overallStatus(['reconnecting', 'failed'], false)).toBe('failed');
    expect(overallStatus(['reconnecting'], true)).toBe('paused');
    expect(overallStatus([], false)).toBe('idle');
  });

  it('the registry hands out a new snapshot per change only, and forgets removed streams', () => {
    const registry = new StreamRegistry();
    let calls = 0;
    const unsubscribe = registry.subscribe(() => calls++);
    registry.report('a', 'connecting');
    const first = registry.getSnapshot();
    registry.report('a', 'connecting'); // no change: same snapshot, no call
    expect(registry.getSnapshot()).toBe(first);
    registry.report('b', 'live');
    registry.report('a', 'live');
    expect([...registry.getSnapshot()]).toEqual([
      ['a', 'live'],
      ['b', 'live'],
    ]);
    registry.remove('a');
    registry.remove('a');
    expect([...registry.getSnapshot().keys()]).toEqual(['b']);
    expect(calls).toBe(4);
    unsubscribe();
    registry.report('b', 'reconnecting');
    expect(calls).toBe(4);
    expect(first.get('a')).toBe('connecting'); // snapshots are never changed in place
  });
});
