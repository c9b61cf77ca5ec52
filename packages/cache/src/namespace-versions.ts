import { Decoder } from '@valkey/valkey-glide';
import type { GuardedCall } from './guarded-call.ts';
import type { KeyBuilder } from './keys.ts';
import type { CacheVersion } from './types.ts';

/*
 * A `global` namespace (e.g. `symbols`, `liq-summary.BTCUSDT`) is its own tiny "series" (keys.ts):
 * one `{ns:…}` tag, one generation key, no head. Its version is that generation alone, bumped by
 * invalidateNamespace (generations.ts); the tag is also the near-cache version id its bumps are
 * announced under, as a series' tag is for series writes.
 */

/** The `{…}` tag of a namespace's keys, as keys.ts resolves it (validates the name: CacheConfigError). */
export function namespaceTag(keys: KeyBuilder, namespace: string): string {
  return keys.resolve({ kind: 'global', namespace, id: '-' }).tag;
}

export interface NamespaceVersionDeps {
  keys: KeyBuilder;
  valkey: GuardedCall;
  /** True while a bump of the tag could not land: Valkey holds an older version than this process wrote. */
  hasPendingBump: (tag: string) => boolean;
}

/**
 * The current version of a namespace in one GET of its generation key (no value transfer):
 * `{ gen, headRev: 0 }`, gen '0' when it has none yet; undefined when Valkey cannot answer or a
 * bump of it is pending here (the honest answer: what Valkey holds is older than a write this
 * process made, and its getOrLoad bypasses the cache for the namespace meanwhile).
 */
export async function readNamespaceVersion(deps: NamespaceVersionDeps, namespace: string): Promise<CacheVersion | undefined> {
  const tag = namespaceTag(deps.keys, namespace);
  if (deps.hasPendingBump(tag)) return undefined;
  const reply = await deps.valkey.run('read_version', (client) => client.get(deps.keys.genKeyOfTag(tag), { decoder: Decoder.Bytes }));
  if (!reply.ok) return undefined;
  const gen = reply.value as Buffer | null;
  return { gen: gen ? gen.toString('latin1') : '0', headRev: 0 };
}
