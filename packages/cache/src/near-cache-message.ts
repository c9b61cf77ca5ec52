/*
 * The near-cache bus's two messages, as short text (ids are cache tags: [A-Za-z0-9_.#:-], no spaces
 * or commas). An announcement names the versions a write moved (`*`: all, after a clear); an ack
 * names the member that applied it.
 */

export const ALL_VERSIONS = '*';

export interface Announcement {
  writer: string;
  writeId: number;
  /** Version ids the write moved; [ALL_VERSIONS] for every one. */
  ids: string[];
}

export interface Ack {
  member: string;
  writeId: number;
}

export const encodeAnnouncement = (a: Announcement): string => `a ${a.writer} ${a.writeId} ${a.ids.join(',')}`;
export const encodeAck = (a: Ack): string => `k ${a.member} ${a.writeId}`;

export function decodeAnnouncement(text: string): Announcement | null {
  const [kind, writer, writeId, ids, ...rest] = text.split(' ');
  if (kind !== 'a' || !writer || !ids || rest.length > 0 || !/^\d{1,15}$/.test(writeId ?? '')) return null;
  return { writer, writeId: Number(writeId), ids: ids.split(',') };
}

export function decodeAck(text: string): Ack | null {
  const [kind, member, writeId, ...rest] = text.split(' ');
  if (kind !== 'k' || !member || rest.length > 0 || !/^\d{1,15}$/.test(writeId ?? '')) return null;
  return { member, writeId: Number(writeId) };
}

/** A member's name in the set carries its lease, so a writer that fences it knows how long to wait. */
export const memberName = (processId: string, leaseMs: number): string => `${processId}/${leaseMs}`;

export function leaseOf(member: string): number | null {
  const at = member.lastIndexOf('/');
  const lease = Number(member.slice(at + 1));
  return at > 0 && Number.isInteger(lease) && lease > 0 ? lease : null;
}
