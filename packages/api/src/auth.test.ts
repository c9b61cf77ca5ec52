import { describe, expect, it } from 'vitest';
import { apiKeyFromHeaders, apiKeyId, keysEqual } from './auth.ts';

describe('API keys', () => {
  it('compares keys exactly, whatever their lengths', () => {
    expect(keysEqual('secret', 'secret')).toBe(true);
    expect(keysEqual('secret', 'secreT')).toBe(false);
    expect(keysEqual('secret', 'secret-longer')).toBe(false);
    expect(keysEqual('secret', '')).toBe(false);
  });

  it('reads a bearer token or x-api-key', () => {
    expect(apiKeyFromHeaders({ authorization: 'Bearer abc' })).toBe('abc');
    expect(apiKeyFromHeaders({ 'x-api-key': 'xyz' })).toBe('xyz');
    expect(apiKeyFromHeaders({ authorization: 'Basic abc' })).toBeNull();
    expect(apiKeyFromHeaders({ authorization: 'Bearer ' })).toBeNull();
    expect(apiKeyFromHeaders({})).toBeNull();
  });

  it('derives a stable id that does not reveal the key', () => {
    expect(apiKeyId('k1')).toBe(apiKeyId('k1'));
    expect(apiKeyId('k1')).not.toBe(apiKeyId('k2'));
    expect(apiKeyId('my-secret-key')).not.toContain('secret');
  });
});
