import { z } from 'zod';

/**
 * A live event's tracked id: the Valkey stream entry id it was published as ("<ms>-<seq>"). Stream
 * ids, not revs, because a reconnecting client is replayed with XRANGE after its id; the rev rides
 * in the event. Accepts exactly what Valkey writes (no leading zeros, so ids compare as numbers).
 */
export const lastEventId = z
  .string()
  .regex(/^(0|[1-9]\d{0,15})-(0|[1-9]\d{0,19})$/, 'must be the id of an event this stream sent, e.g. "1700000000000-0"');

/**
 * The id of an event with no stream position (nothing was published on its channel yet, its state
 * came from the series head or the database): every event is tracked, and resuming from this one
 * is a resync.
 */
export const NO_POSITION = '0-0';

const MAX_SEQ = 18_446_744_073_709_551_615n;

/** The id just before `id` in stream order, so an exclusive replay from it starts AT `id`; undefined for "0-0". */
export function idBefore(id: string): string | undefined {
  const dash = id.indexOf('-');
  const ms = BigInt(id.slice(0, dash));
  const seq = BigInt(id.slice(dash + 1));
  if (seq > 0n) return `${ms}-${seq - 1n}`;
  if (ms > 0n) return `${ms - 1n}-${MAX_SEQ}`;
  return undefined;
}

/** When an entry was added to its stream (Valkey's clock): the publish time push latency is measured from. */
export function publishedAtMs(id: string): number {
  return Number(id.slice(0, id.indexOf('-')));
}
