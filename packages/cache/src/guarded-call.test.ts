import { ClosingError, ConnectionError, RequestError, TimeoutError } from '@valkey/valkey-glide';
import { describe, expect, it } from 'vitest';
import { CacheTimeoutError, CacheUnavailableError } from './errors.ts';
import { isFatal, isSaturation, isTimeout } from './guarded-call.ts';

describe('error classification of a Valkey call', () => {
  it('"the cluster is not there" is fatal (opens the breaker at once); slowness is a timeout', () => {
    for (const err of [
      new ConnectionError('x'),
      new ClosingError('x'),
      new CacheUnavailableError('x'),
      new Error('Connection refused (os error 111)'),
    ]) {
      expect(isFatal(err)).toBe(true);
    }
    for (const err of [new TimeoutError('x'), new CacheTimeoutError('x')]) {
      expect(isTimeout(err)).toBe(true);
      expect(isFatal(err)).toBe(false);
    }
  });

  it('glide refusing a call at its inflight cap is this process being busy: saturation, neither fatal nor a timeout', () => {
    // The exact text glide 2.5.2 gives (seen against the shared cluster with a cap of 10).
    const refused = new RequestError('Reached maximum inflight requests- ClientError');
    expect(isSaturation(refused)).toBe(true);
    expect(isFatal(refused)).toBe(false);
    expect(isTimeout(refused)).toBe(false);
    expect(isSaturation(new RequestError('NOSCRIPT No matching script'))).toBe(false);
  });
});
