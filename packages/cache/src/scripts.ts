import { Script } from '@valkey/valkey-glide';
import { CONNECTED_REPLICAS } from './replication.ts';

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

/*
 * The head rev of a series, as the 20-digit string the head record holds ('0' when there is no head,
 * or for a `global` key, which passes no head key). ARGV[HEAD_MAGIC] is the record's 4-byte header.
 */
const headRevSnippet = (headKey: string, magicArg: string) => `local hr = '0'
if ${headKey} then
  local h = redis.call('GETRANGE', ${headKey}, 0, 23)
  if string.sub(h, 1, 4) == ${magicArg} and #h == 24 then hr = string.sub(h, 5, 24) end
end`;

/**
 * Before a load: the current generation (initialised if missing) and the series' head rev, read
 * together so the loaded value is stored with the head rev that preceded it.
 * KEYS[1] gen · KEYS[2] head (optional) · ARGV[1] head magic → { gen, headRev }
 */
export const GEN = new Script(`${GEN_SNIPPET}
${headRevSnippet('KEYS[2]', 'ARGV[1]')}
return {g, hr}`);

/**
 * Miss path: resolve (or initialise) the generation; if a value of this generation (and envelope
 * version) is there by now, say so (the caller re-reads it); else try to take the fill lock. Also
 * returns the head rev, read before the caller loads.
 * KEYS[1] gen · KEYS[2] value · KEYS[3] lock · KEYS[4] head (optional)
 * ARGV[1] token · ARGV[2] lock ms · ARGV[3] envelope magic (4 bytes) · ARGV[4] head magic
 * ARGV[5] '1': take the lock even if a value of this generation is there (it is behind the head)
 * → { gen, present 0|1, locked 0|1, headRev }
 */
export const LOCK = new Script(`${GEN_SNIPPET}
${PAD}
${headRevSnippet('KEYS[4]', 'ARGV[4]')}
if ARGV[5] ~= '1' and redis.call('GETRANGE', KEYS[2], 0, 23) == ARGV[3] .. pg then return {g, 1, 0, hr} end
if redis.call('SET', KEYS[3], ARGV[1], 'NX', 'PX', ARGV[2]) then return {g, 0, 1, hr} end
return {g, 0, 0, hr}`);

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

/**
 * An advanced value's write-back: only if the generation did not move and the stored value (of this
 * generation) is at an older head rev — another reader, here or in another process, may have
 * advanced it first. Revs are compared as 20-digit strings (equal width: string order is numeric).
 * KEYS[1] gen · KEYS[2] value · ARGV[1] value · ARGV[2] ttl ms · ARGV[3] gen · ARGV[4] head rev (20 digits)
 * ARGV[5] the envelope's first 24 bytes for this generation → 1 stored, 0 not
 */
export const ADVANCE_WRITE = new Script(`if redis.call('GET', KEYS[1]) ~= ARGV[3] then return 0 end
local h = redis.call('GETRANGE', KEYS[2], 0, 43)
if string.sub(h, 1, 24) == ARGV[5] and #h == 44 and string.sub(h, 25, 44) >= ARGV[4] then return 0 end
redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2])
return 1`);

/**
 * Store a series' head only if its rev is newer than the stored one, so out-of-order callers never
 * move it back. KEYS[1] head · ARGV[1] record · ARGV[2] rev (20 digits) · ARGV[3] head magic
 * → { 1 stored | 0 a head at this rev or newer is there, connected replicas } (replication.ts)
 */
export const ADVANCE_HEAD = new Script(`${CONNECTED_REPLICAS}
local h = redis.call('GETRANGE', KEYS[1], 0, 23)
if string.sub(h, 1, 4) == ARGV[3] and #h == 24 and string.sub(h, 5, 24) >= ARGV[2] then return {0, replicas} end
redis.call('SET', KEYS[1], ARGV[1])
return {1, replicas}`);

/**
 * One live event: appended to the channel's stream (trimmed to about MAXLEN entries) and published on
 * its sharded channel, both in the channel's slot. The message carries the new entry id and the id
 * of the entry before it, so a subscriber can tell that it missed one (see live-frame.ts).
 * KEYS[1] stream · KEYS[2] channel · ARGV[1] payload · ARGV[2] MAXLEN → the new entry id
 */
export const PUBLISH = new Script(`local last = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
local prev = ''
if last[1] then prev = last[1][1] end
local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[2], '*', 'e', ARGV[1])
redis.call('SPUBLISH', KEYS[2], string.char(#id) .. id .. string.char(#prev) .. prev .. ARGV[1])
return id`);

/**
 * Replay: the entries after ARGV[1] (exclusive; '' = the newest ones, newest first) up to ARGV[2],
 * with the oldest and newest ids the stream holds, read atomically.
 * KEYS[1] stream → { oldestId|'', newestId|'', entries }
 */
export const REPLAY = new Script(`local first = redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', 1)
local last = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
local oldest = ''
local newest = ''
if first[1] then oldest = first[1][1] end
if last[1] then newest = last[1][1] end
local entries
if ARGV[1] == '' then entries = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', ARGV[2])
else entries = redis.call('XRANGE', KEYS[1], '(' .. ARGV[1], '+', 'COUNT', ARGV[2]) end
return {oldest, newest, entries}`);

/**
 * KEYS[1] lock · ARGV[1] token · ARGV[2] ms → 1 marked, 0 the lock is not ours any more (expired,
 * taken over): a token-checked release of a holder whose load failed, leaving `!token` behind for
 * ARGV[2] ms so waiters load at once (get-or-load.ts, FAILED_MARK).
 */
export const FAIL_LOCK = new Script(`if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('SET', KEYS[1], '!' .. ARGV[1], 'PX', ARGV[2]) return 1 end
return 0`);

/** KEYS[1] gen key → { new generation, connected replicas } (atomic, one round trip; replication.ts). */
export const BUMP = new Script(`${NOW_MS}
${CONNECTED_REPLICAS}
local g = tonumber(redis.call('GET', KEYS[1]) or '0') or 0
local n = math.max(g + 1, now)
redis.call('SET', KEYS[1], string.format('%d', n))
return {string.format('%d', n), replicas}`);

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
