import type { Registry } from 'prom-client';
import type { Logger } from 'pino';
import { z } from 'zod';
import { CacheConfigError } from './errors.ts';
import { prefixSchema } from './keys.ts';
import type { Interval } from '@wick/market';
import { ttlPatchSchema, type TtlEntry } from './ttl.ts';

export interface NodeAddress {
  host: string;
  port: number;
}

export interface CacheOptions {
  nodes: NodeAddress[];
  /** Key namespace, default 'wick'. */
  prefix?: string;
  /** Hard timeout per Valkey call, default 100 ms. */
  requestTimeoutMs?: number;
  /** TCP connect timeout for (re)connections, default 500 ms. */
  connectTimeoutMs?: number;
  /** Override of the TTL table (on top of WICK_CACHE_TTL from the env, on top of the defaults). */
  ttl?: Partial<Record<Interval, Partial<TtlEntry>>>;
  /** Fill lock lifetime: how long a dead holder blocks others at most. Default 5,000 ms. */
  lockMs?: number;
  /** How long a waiter waits for another process's fill before loading itself. Default 3,000 ms. */
  lockWaitMs?: number;
  breaker?: { failureThreshold?: number; openMs?: number };
  /** glide's in-flight request cap for this client, default 5,000. */
  inflightLimit?: number;
  /**
   * Wick's own bound on cache calls in flight toward Valkey at once, default 256. At most half of
   * inflightLimit: glide 2.5 refuses calls beyond about half its cap (measured: with a cap of 10, a
   * 6th concurrent call is refused), and the rest is headroom for admin calls and the probe.
   */
  maxConcurrentCalls?: number;
  /**
   * Cache calls that may wait for a free slot, default 4,096. Beyond that a call is answered
   * `bypass` at once (counted as `shed`), never as a Valkey failure.
   */
  maxQueuedCalls?: number;
  /** The live bus (pub/sub + streams). */
  live?: {
    /** MAXLEN ~ of each series' event stream: how far back a subscriber can replay. Default 1,000. */
    seriesStreamLength?: number;
    /** MAXLEN ~ of a global stream (liquidations). Default 10,000. */
    globalStreamLength?: number;
    /** How long subscribe waits for Valkey to confirm a new upstream subscription. Default 2,000 ms. */
    subscribeTimeoutMs?: number;
    /** How often upstream subscriptions are checked for a loss (failover, reconnect). Default 250 ms. */
    checkMs?: number;
  };
  registry?: Registry;
  logger?: Logger;
  /** Read WICK_CACHE_TTL from here instead of process.env (tests). */
  env?: Record<string, string | undefined>;
}

const nodeSchema = z.object({ host: z.string().min(1).max(255), port: z.number().int().min(1).max(65_535) });

const optionsSchema = z.object({
  nodes: z.array(nodeSchema).min(1).max(128),
  prefix: prefixSchema.default('wick'),
  requestTimeoutMs: z.number().int().min(5).max(60_000).default(100),
  connectTimeoutMs: z.number().int().min(50).max(60_000).default(500),
  ttl: ttlPatchSchema,
  lockMs: z.number().int().min(50).max(600_000).default(5_000),
  lockWaitMs: z.number().int().min(0).max(600_000).default(3_000),
  breaker: z
    .object({
      failureThreshold: z.number().int().min(1).max(1_000).default(3),
      openMs: z.number().int().min(10).max(600_000).default(500),
    })
    .default({ failureThreshold: 3, openMs: 500 }),
  inflightLimit: z.number().int().min(10).max(1_000_000).default(5_000),
  maxConcurrentCalls: z.number().int().min(1).max(100_000).default(256),
  maxQueuedCalls: z.number().int().min(0).max(1_000_000).default(4_096),
  live: z
    .object({
      seriesStreamLength: z.number().int().min(1).max(1_000_000).default(1_000),
      globalStreamLength: z.number().int().min(1).max(1_000_000).default(10_000),
      subscribeTimeoutMs: z.number().int().min(10).max(60_000).default(2_000),
      checkMs: z.number().int().min(10).max(60_000).default(250),
    })
    .default({ seriesStreamLength: 1_000, globalStreamLength: 10_000, subscribeTimeoutMs: 2_000, checkMs: 250 }),
});

const schema = optionsSchema.refine((parsed) => parsed.maxConcurrentCalls * 2 <= parsed.inflightLimit, {
  message:
    'maxConcurrentCalls must be at most half of inflightLimit (glide refuses calls beyond about half its cap): lower it or raise inflightLimit',
  path: ['maxConcurrentCalls'],
});

export type ResolvedOptions = z.infer<typeof schema> & Pick<CacheOptions, 'registry' | 'logger' | 'env'>;

export function resolveOptions(options: CacheOptions): ResolvedOptions {
  const { registry, logger, env, ...rest } = options;
  const parsed = schema.safeParse(rest);
  if (!parsed.success) throw new CacheConfigError(`invalid cache options: ${parsed.error.message}`);
  return { ...parsed.data, registry, logger, env };
}

/** "127.0.0.1:7000, 127.0.0.1:7001" or "[::1]:7000" → node list. */
export function parseNodes(list: string): NodeAddress[] {
  const out: NodeAddress[] = [];
  for (const raw of list.split(',')) {
    const item = raw.trim();
    if (!item) continue;
    const match = /^(?:\[([^\]]+)\]|([^:\s]+)):(\d{1,5})$/.exec(item);
    if (!match) throw new CacheConfigError(`invalid node "${item}", expected host:port`);
    const node = nodeSchema.safeParse({ host: match[1] ?? match[2], port: Number(match[3]) });
    if (!node.success) throw new CacheConfigError(`invalid node "${item}": ${node.error.message}`);
    out.push(node.data);
  }
  if (!out.length) throw new CacheConfigError('no valkey nodes given');
  return out;
}
