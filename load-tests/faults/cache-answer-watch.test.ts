import { describe, expect, it } from 'vitest';
import { answeredThroughout, cacheSampleOf, type CacheSample } from './cache-answer-watch.ts';

const sample = (sent: number, received: number, unanswered: number, breaker = 0): CacheSample => ({ sent, received, unanswered, breaker });

describe('cacheSampleOf', () => {
  it('adds failed and shed calls and reads the breaker state', () => {
    const text = [
      'wick_cache_events_total{event="hit"} 900',
      'wick_cache_events_total{event="error"} 3',
      'wick_cache_events_total{event="timeout"} 2',
      'wick_cache_events_total{event="shed"} 4',
      'wick_cache_breaker_state 2',
    ].join('\n');
    expect(cacheSampleOf(text)).toEqual({ unanswered: 7, breaker: 2 });
  });

  it('counts no events as 0, and gives nothing without a breaker gauge', () => {
    expect(cacheSampleOf('wick_cache_breaker_state 0')).toEqual({ unanswered: 0, breaker: 0 });
    expect(cacheSampleOf('wick_cache_events_total{event="error"} 3')).toBeNull();
  });
});

describe('answeredThroughout', () => {
  const quiet = [sample(0, 5, 1), sample(10, 15, 1), sample(20, 25, 1)];

  it('holds when a sample read before the start and one sent after the end agree, breaker closed', () => {
    expect(answeredThroughout(quiet, 6, 19)).toBe(true);
  });

  it('fails when a call went unanswered in between', () => {
    expect(answeredThroughout([sample(0, 5, 1), sample(10, 15, 2), sample(20, 25, 2)], 6, 19)).toBe(false);
  });

  it('fails while the breaker is not closed at either end', () => {
    expect(answeredThroughout([sample(0, 5, 1, 2), sample(20, 25, 1)], 6, 19)).toBe(false);
    expect(answeredThroughout([sample(0, 5, 1), sample(20, 25, 1, 1)], 6, 19)).toBe(false);
  });

  it('does not take a sample whose answer came after the start as "before" (its counts may be newer)', () => {
    // The only sample before the read was still in flight when the read began: nothing to judge by.
    expect(answeredThroughout([sample(0, 7, 1), sample(20, 25, 1)], 6, 19)).toBe(false);
  });

  it('does not take a sample sent before the end as "after"', () => {
    expect(answeredThroughout([sample(0, 5, 1), sample(18, 25, 1)], 6, 19)).toBe(false);
  });

  it('fails without samples around the read', () => {
    expect(answeredThroughout([], 6, 19)).toBe(false);
    expect(answeredThroughout(quiet, 30, 40)).toBe(false);
  });
});
