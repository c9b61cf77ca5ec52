import { CacheConfigError } from './errors.ts';
import type { KeyBuilder } from './keys.ts';
import { decodeGlobalEvent, decodeSeriesEvent } from './live-event-codec.ts';
import type { LiveChannel } from './live-types.ts';

/** A live channel resolved into its Valkey names, both under the channel's `{tag}` (one slot, one shard). */
export interface ResolvedChannel {
  /** The sharded pub/sub channel, `…:{tag}:live`. */
  name: string;
  /** The replay stream, `…:{tag}:events`. */
  streamKey: string;
  /** Payload → event; undefined when it does not decode. */
  decode: (payload: Buffer) => unknown;
}

export function resolveChannel(keys: KeyBuilder, channel: LiveChannel): ResolvedChannel {
  let tag: string;
  let decode: (payload: Buffer) => unknown;
  switch (channel?.kind) {
    case 'series':
      tag = keys.seriesTag(channel.series);
      decode = decodeSeriesEvent;
      break;
    case 'global':
      tag = keys.globalTag(channel.name);
      decode = decodeGlobalEvent;
      break;
    default:
      throw new CacheConfigError("invalid live channel: expected { kind: 'series', series } or { kind: 'global', name }");
  }
  const base = keys.tagged(tag);
  return { name: `${base}live`, streamKey: `${base}events`, decode };
}
