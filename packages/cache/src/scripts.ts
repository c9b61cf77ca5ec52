import { Script } from '@valkey/valkey-glide';

/*
 * Generations are server-time based: a missing generation key (never set, evicted by allkeys-lru,
 * or cleared) is initialised to the server clock in ms, and a bump sets max(gen + 1, now). So a lost
 * generation key can never send readers back to an older generation's entries.
 */
const NOW_MS = `local t = redis.call('TIME') local now = t[1] * 1000 + math.floor(t[2] / 1000)`;
const GEN_SNIPPET = `local g = redis.call('GET', KEYS[1])
if not g then ${NOW_MS} g = string.format('%d', now) redis.call('SET', KEYS[1], g) end`;

/*
 * The hot path is not a script: a hit is one MGET [genKey, valueKey] (same slot), and the client
 * compares the generation inside the value with the current one. Measured in bench/: an EVALSHA that
 * returns a 240 KB value costs 2–3× a GET (Lua copies the string in and out); MGET costs the same as
 * a GET. Scripts are used only on the miss / write / bump paths.
 */

const PAD = `local pg = string.rep('0', 20 - #g) .. g`;

/** KEYS[1] gen key → current generation (initialised if missing). */
export const GEN = new Script(`${GEN_SNIPPET}
return g`);

/**
 * Miss path: resolve (or initialise) the generation; if a value of this generation is there by now,
 * say so (the caller re-reads it); else try to take the fill lock.
 * KEYS[1] gen · KEYS[2] value · KEYS[3] lock · ARGV[1] token · ARGV[2] lock ms → { gen, present 0|1, locked 0|1 }
 */
export const LOCK = new Script(`${GEN_SNIPPET}
${PAD}
if redis.call('GETRANGE', KEYS[2], 4, 23) == pg then return {g, 1, 0} end
if redis.call('SET', KEYS[3], ARGV[1], 'NX', 'PX', ARGV[2]) then return {g, 0, 1} end
return {g, 0, 0}`);

/**
 * Store a value only if its generation is still the current one (a load that started before a
 * bump must not land after it), then release our lock if we still own it (token check: a holder
 * whose lock expired must not delete the next holder's lock).
 * KEYS[1] gen · KEYS[2] value · KEYS[3] lock · ARGV[1] value · ARGV[2] ttl ms · ARGV[3] token ('' = none) · ARGV[4] gen
 * → 1 stored, 0 generation moved on
 */
export const WRITE = new Script(`local cur = redis.call('GET', KEYS[1])
local ok = 0
if cur == ARGV[4] then redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2]) ok = 1 end
if ARGV[3] ~= '' and redis.call('GET', KEYS[3]) == ARGV[3] then redis.call('DEL', KEYS[3]) end
return ok`);

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
