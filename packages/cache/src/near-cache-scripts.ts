import { Script } from '@valkey/valkey-glide';
import { CONNECTED_REPLICAS } from './replication.ts';

/*
 * The near-cache membership (near-cache.ts): one sorted set per prefix, members scored by lease
 * expiry in Valkey server time, and the bus channels, all in the `{near}` slot so one script sees
 * the set and publishes on the channel atomically.
 */
const NOW_MS = `local t = redis.call('TIME') local now = t[1] * 1000 + math.floor(t[2] / 1000)`;

/**
 * Join (ARGV[3] = 'join') or renew ('renew': extends ONLY a member still in the set, so a fenced
 * member cannot extend itself back in). Members expired for a minute are dropped on the way.
 * KEYS[1] members · ARGV[1] member · ARGV[2] lease ms · ARGV[3] mode → { 1 extended | 0 not a member, replicas }
 */
export const NEAR_LEASE = new Script(`${NOW_MS}
${CONNECTED_REPLICAS}
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - 60000)
if ARGV[3] ~= 'join' and not redis.call('ZSCORE', KEYS[1], ARGV[1]) then return {0, replicas} end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
return {1, replicas}`);

/**
 * A write's announcement: the live members (lease not expired by server time) and the publish, in
 * one step: a member that joined before it gets the message (it subscribed before joining), one
 * that joins after it reads the new version from Valkey.
 * KEYS[1] members · ARGV[1] channel · ARGV[2] message → live members
 */
export const NEAR_ANNOUNCE = new Script(`${NOW_MS}
local members = redis.call('ZRANGEBYSCORE', KEYS[1], now, '+inf')
redis.call('SPUBLISH', ARGV[1], ARGV[2])
return members`);

/** Fences members that did not acknowledge. KEYS[1] members · ARGV members → { removed, replicas } */
export const NEAR_FENCE = new Script(`${CONNECTED_REPLICAS}
local removed = 0
for i = 1, #ARGV do removed = removed + redis.call('ZREM', KEYS[1], ARGV[i]) end
return {removed, replicas}`);
