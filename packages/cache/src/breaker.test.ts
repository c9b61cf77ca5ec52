import { describe, expect, it } from 'vitest';
import { CircuitBreaker, type BreakerState } from './breaker.ts';
import { SingleFlight } from './single-flight.ts';
import { backoffMs } from './warmer.ts';
import { parseNodes } from './options.ts';
import { CacheConfigError } from './errors.ts';

describe('CircuitBreaker', () => {
  it('opens after the threshold, at once on a fatal error, and closes after a good probe', () => {
    const seen: BreakerState[] = [];
    const b = new CircuitBreaker({ failureThreshold: 3, onChange: (s) => seen.push(s) });
    b.failure();
    b.failure();
    expect(b.allow()).toBe(true);
    b.failure();
    expect(b.allow()).toBe(false);
    b.probing();
    expect(b.state).toBe('half-open');
    expect(b.allow()).toBe(false); // requests never probe
    b.probeFailed();
    expect(b.state).toBe('open');
    b.probing();
    b.success();
    expect(b.state).toBe('closed');
    b.failure(true);
    expect(b.state).toBe('open');
    expect(seen).toEqual(['open', 'half-open', 'open', 'half-open', 'closed', 'open']);
  });

  it('reports what tripped it only on closed → open: the threshold-reaching failure, or a fatal one', () => {
    const seen: [BreakerState, string | undefined][] = [];
    const b = new CircuitBreaker({ failureThreshold: 2, onChange: (s, cause) => seen.push([s, cause?.kind]) });
    b.failure(false, { kind: 'error', detail: 'first' });
    b.failure(false, { kind: 'timeout', detail: 'second' });
    b.probing();
    b.probeFailed();
    b.trip({ kind: 'error', detail: 'already open' });
    b.probing();
    b.success();
    b.failure(true, { kind: 'unreachable', detail: 'refused' });
    expect(seen).toEqual([
      ['open', 'timeout'],
      ['half-open', undefined],
      ['open', undefined],
      ['half-open', undefined],
      ['closed', undefined],
      ['open', 'unreachable'],
    ]);
  });

  it('a success resets the failure count', () => {
    const b = new CircuitBreaker({ failureThreshold: 2 });
    b.failure();
    b.success();
    b.failure();
    expect(b.state).toBe('closed');
  });
});

describe('SingleFlight', () => {
  it('shares one promise per id and forgets on demand', async () => {
    const sf = new SingleFlight<number>();
    let n = 0;
    const fn = async () => ++n;
    const a = sf.run('k', fn);
    const b = sf.run('k', fn);
    expect(a.leader).toBe(true);
    expect(b.leader).toBe(false);
    sf.forget((id) => id === 'k');
    const c = sf.run('k', fn);
    expect(c.leader).toBe(true);
    expect(await Promise.all([a.promise, b.promise, c.promise])).toEqual([1, 1, 2]);
    expect(sf.size).toBe(0);
  });
});

describe('backoff and node parsing', () => {
  it('backs off 1, 2, 4, 8 s … capped', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((f) => backoffMs(f, 1000, 30_000))).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000]);
  });

  it('parses node lists', () => {
    expect(parseNodes('127.0.0.1:7000, 127.0.0.1:7001,[::1]:7002')).toEqual([
      { host: '127.0.0.1', port: 7000 },
      { host: '127.0.0.1', port: 7001 },
      { host: '::1', port: 7002 },
    ]);
    for (const bad of ['', 'localhost', 'h:0', 'h:99999', 'a b:1']) expect(() => parseNodes(bad)).toThrow(CacheConfigError);
  });
});
