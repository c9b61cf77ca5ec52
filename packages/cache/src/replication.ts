import type { GlideClusterClient } from '@valkey/valkey-glide';

/*
 * Valkey replicates asynchronously: a write a primary acknowledged and did not pass on before it
 * died is gone after failover, and the promoted replica answers the older state. For the writes
 * that publish a new version of a series (a generation bump, a head advance) that means readers of
 * every process match values of the older version again: stale answers after the ingest returned.
 * So those writes are not done until a replica has them (WAIT), and one that no replica took is
 * handled like a write Valkey refused (the caller's fallback: invalidate, or keep the bump pending).
 */

/**
 * Lua: how many replicas this primary has connected now (INFO may be called from scripts). With
 * none there is nobody to fail over to — a primary that restarts empty initialises generations to
 * its clock (scripts.ts) — so WAIT, which would block the shared connection for its whole timeout,
 * is skipped.
 */
export const CONNECTED_REPLICAS = `local replicas = tonumber(string.match(redis.call('INFO', 'replication'), 'connected_slaves:(%d+)')) or 0`;

/**
 * After a version-publishing script on `key`'s primary (same client, so the same connection: WAIT
 * covers every write sent on it before): true when at least one replica acknowledged them within
 * `waitMs`, or the primary has no replica to lose them to.
 */
export async function replicated(client: GlideClusterClient, key: string, replicas: number, waitMs: number): Promise<boolean> {
  if (replicas === 0) return true;
  const reached = await client.customCommand(['WAIT', '1', String(waitMs)], { route: { type: 'primarySlotKey', key } });
  return Number(reached) >= 1;
}

/** WAIT's timeout: half of glide's request timeout, so glide never times the WAIT out first. */
export function replicaWaitMs(requestTimeoutMs: number): number {
  return Math.max(1, Math.floor(requestTimeoutMs / 2));
}
