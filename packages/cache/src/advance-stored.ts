import type { Logger } from 'pino';
import { envelopePrefix, wrap, type Envelope } from './envelope.ts';
import type { GuardedCall } from './guarded-call.ts';
import { decodeHead } from './head-record.ts';
import type { ResolvedKey } from './keys.ts';
import { ADVANCE_WRITE } from './scripts.ts';
import type { StatsRecorder } from './stats.ts';
import type { GetOrLoadOptions } from './types.ts';

export interface AdvanceDeps {
  valkey: GuardedCall;
  stats: StatsRecorder;
  logger: Logger | undefined;
}

export interface Advanced<T> {
  value: T;
  /** The advanced value, encoded (what was written back; joiners of the flight decode their copy). */
  bytes: Buffer;
  headRev: number;
}

/**
 * A stored value of the current generation is behind its series' head: let the caller's `advance`
 * bring it up to the head and write the result back — only if the generation is unchanged and the
 * stored value is still older (another reader may have been first; scripts.ts ADVANCE_WRITE). The
 * write-back is awaited inside the caller's single-flight, so readers of this process that come after
 * it read the advanced value instead of advancing again. undefined: advance declined (or threw, or
 * the head does not decode) — the caller treats the value as a miss.
 */
export async function advanceStored<T>(
  deps: AdvanceDeps,
  resolved: ResolvedKey,
  envelope: Envelope,
  gen: string,
  headBytes: Buffer,
  options: GetOrLoadOptions<T>,
  advance: NonNullable<GetOrLoadOptions<T>['advance']>,
): Promise<Advanced<T> | undefined> {
  const { valkey, stats, logger } = deps;
  const head = decodeHead(headBytes);
  const current = head && options.codec.decode(envelope.payload);
  let next: T | undefined;
  if (head && current !== undefined) {
    try {
      next = advance(current, head);
    } catch (err) {
      // A bug in an advance must not fail the read: the loader gives the right answer.
      logger?.warn({ err: String(err), key: resolved.id }, 'cache: advance threw, loading instead');
    }
  }
  if (next === undefined || !head) {
    stats.inc('advanceDeclined');
    return undefined;
  }
  const bytes = options.codec.encode(next);
  const now = Date.now();
  const ttlMs = options.ttlSeconds * 1000;
  const stored = wrap(bytes, gen, head.rev, now, now + ttlMs);
  const expiresInMs = ttlMs + (options.staleSeconds ?? 0) * 1000;
  // The answer is right whether or not the write-back lands (Valkey may be away): it is not awaited for its result.
  await valkey.run('advance', (client) =>
    client.invokeScript(ADVANCE_WRITE, {
      keys: [resolved.genKey, resolved.valueKey],
      args: [stored, String(expiresInMs), gen, String(head.rev).padStart(20, '0'), envelopePrefix(gen)],
    }),
  );
  return { value: next, bytes, headRev: head.rev };
}
