import { Script } from '@valkey/valkey-glide';

/*
 * Generations are server-time based: a missing generation key (never set, evicted by allkeys-lru,
 * or cleared) is initialised to the server clock in ms, and a bump sets max(gen + 1, now). So a lost
 * generation key can never send readers back to an older generation's entries.
 */
const NOW_MS = `local t = redis.call('TIME') local now = t[1] * 1000 + math.floor(t[2] / 1000)`;
const GEN_SNIPPET = `local g = redis.call('GET', KEYS[1])
if not g then ${NOW_MS} g = string.format('%d', now) redis.call('SET', KEYS[1], g) end`;

/**
 * The hot path, one round trip: resolve the generation, read the value at that generation, and
 * on a miss optionally take the fill lock.
 * KEYS[1] gen key · ARGV[1] stem · ARGV[2] suffix · ARGV[3] lock token ('' = no lock) · ARGV[4] lock ms
 * → { gen, value | nil, lockTaken 0|1 }
 * The value key is built inside the script (same {tag}, same slot as KEYS[1]).
 */
export const READ = new Script(`${GEN_SNIPPET}
local k = ARGV[1] .. g .. ':' .. ARGV[2]
local v = redis.call('GET', k)
if v then return {g, v, 0} end
if ARGV[3] ~= '' and redis.call('SET', k .. ':lock', ARGV[3], 'NX', 'PX', ARGV[4]) then return {g, false, 1} end
return {g, false, 0}`);

/** KEYS[1] gen key → current generation (initialised if missing). */
export const GEN = new Script(`${GEN_SNIPPET}
return g`);

/**
 * Store a value at a known generation and release our lock if we still own it (token check:
 * a holder whose lock expired must not delete the next holder's lock).
 * KEYS[1] value key · KEYS[2] lock key · ARGV[1] value · ARGV[2] ttl ms · ARGV[3] token ('' = none)
 */
export const WRITE = new Script(`redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
if ARGV[3] ~= '' and redis.call('GET', KEYS[2]) == ARGV[3] then redis.call('DEL', KEYS[2]) end
return 1`);

/** KEYS[1] lock key · ARGV[1] token. Token-checked release without a write. */
export const UNLOCK = new Script(`if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`);

/** KEYS[1] gen key → new generation (atomic, one round trip). */
export const BUMP = new Script(`${NOW_MS}
local g = tonumber(redis.call('GET', KEYS[1]) or '0') or 0
local n = math.max(g + 1, now)
redis.call('SET', KEYS[1], string.format('%d', n))
return string.format('%d', n)`);

/**
 * Sliding-window rate limit, one script: a sorted set of request times in the window.
 * KEYS[1] zset · ARGV[1] limit · ARGV[2] window ms · ARGV[3] unique member
 * → { allowed 0|1, remaining, retryAfterMs }
 */
export const RATE_LIMIT = new Script(`${NOW_MS}
local limit = tonumber(ARGV[1]) local win = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - win)
local n = redis.call('ZCARD', KEYS[1])
if n < limit then
  redis.call('ZADD', KEYS[1], now, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], win)
  return {1, limit - n - 1, 0}
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
local retry = win
if oldest[2] then retry = math.max(1, tonumber(oldest[2]) + win - now) end
return {0, 0, retry}`);
