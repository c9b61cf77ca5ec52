import { setTimeout as sleep } from 'node:timers/promises';
import { Decoder, TimeUnit, type GlideReturnType } from '@valkey/valkey-glide';
import type { Logger } from 'pino';
import { z } from 'zod';
import { abortable } from './abortable.ts';
import { padGen, unwrap, wrap } from './envelope.ts';
import { CacheAbortError, CacheConfigError } from './errors.ts';
import type { GuardedCall, GuardedResult } from './guarded-call.ts';
import type { CacheKey, KeyBuilder, ResolvedKey } from './keys.ts';
import { GEN, LOCK, UNLOCK, WRITE } from './scripts.ts';
import { SingleFlight } from './single-flight.ts';
import type { StatsRecorder } from './stats.ts';
import type { Cached, CacheStatus, GetOrLoadOptions } from './types.ts';

/** What one flight produces; every caller that joined it gets its own Cached<T> from this. */
interface Outcome {
  value: unknown;
  /** Encoded payload, so callers joining a flight decode their own copy (safe to transfer). */
  bytes: Buffer | undefined;
  status: CacheStatus;
  ageMs: number;
}

interface Hit {
  outcome: Outcome;
  gen: string;
}

export interface GetOrLoadDeps {
  keys: KeyBuilder;
  valkey: GuardedCall;
  stats: StatsRecorder;
  logger: Logger | undefined;
  /** Fill lock lifetime (see CacheOptions.lockMs). */
  lockMs: number;
  /** How long a waiter waits for another process's fill (see CacheOptions.lockWaitMs). */
  lockWaitMs: number;
  nextToken: () => string;
  /** True while a bump of this series could not reach Valkey: its reads must bypass the cache. */
  hasPendingBump: (tag: string) => boolean;
}

const MAX_TTL_SECONDS = 30 * 86_400;
/** Hand-written twin of getOrLoadSchema for the hot path; the schema explains failures. */
const isTtl = (seconds: unknown): boolean =>
  Number.isInteger(seconds) && (seconds as number) >= 1 && (seconds as number) <= MAX_TTL_SECONDS;
const getOrLoadSchema = z.object({
  ttlSeconds: z.number().int().min(1).max(MAX_TTL_SECONDS),
  staleSeconds: z.number().int().min(0).max(MAX_TTL_SECONDS).optional(),
});

const POLL_MIN_MS = 5;
const POLL_MAX_MS = 50;
const REFRESH_FLIGHT = 'refresh:';

/**
 * Get-or-load, the cache protocol's read side: single-flight in process, then one MGET [gen, value];
 * on a miss the fill lock (one script), the load, and a write that lands only if the generation did
 * not move. Stale-while-revalidate hands one background refresh to whoever takes the lock.
 */
export class GetOrLoad {
  private readonly flights = new SingleFlight<Outcome>();
  private readonly refreshes = new SingleFlight<void>();

  constructor(private readonly deps: GetOrLoadDeps) {}

  /** `refresh` loads and stores unconditionally (the warmer); otherwise a hit is served. */
  async run<T>(key: CacheKey, loader: () => Promise<T>, options: GetOrLoadOptions<T>, refresh: boolean): Promise<Cached<T>> {
    const { ttlSeconds, staleSeconds } = options;
    if (!isTtl(ttlSeconds) || !(staleSeconds === undefined || staleSeconds === 0 || isTtl(staleSeconds))) {
      const parsed = getOrLoadSchema.safeParse({ ttlSeconds, staleSeconds });
      throw new CacheConfigError(`invalid getOrLoad options: ${parsed.success ? 'out of range' : parsed.error.message}`);
    }
    const resolved = this.deps.keys.resolve(key);
    const { signal, codec } = options;
    if (signal?.aborted) throw new CacheAbortError('aborted');
    const flightId = refresh ? `${REFRESH_FLIGHT}${resolved.id}` : resolved.id;
    const { promise, leader } = this.flights.run(flightId, () =>
      refresh ? this.loadAndStore(resolved, null, loader, options, '') : this.fetch(resolved, loader, options),
    );
    const outcome = await abortable(promise, signal);
    this.count(outcome.status);
    let value = outcome.value as T;
    // Joiners decode their own copy: the leader's value may be zero-copy over the shared bytes and
    // may be transferred to a worker by its caller.
    if (!leader && outcome.bytes) value = codec.decode(Buffer.from(outcome.bytes)) ?? value;
    return { value, status: outcome.status, ageMs: outcome.ageMs };
  }

  /** Nobody may join a flight of these series any more (after a bump, or a clear). */
  forgetTagged(taggedBase: string): void {
    this.flights.forget((id) => id.startsWith(taggedBase) || id.startsWith(`${REFRESH_FLIGHT}${taggedBase}`));
  }

  forgetAll(): void {
    this.flights.forget(() => true);
  }

  private count(status: CacheStatus): void {
    const { stats } = this.deps;
    stats.inc(status === 'hit' ? 'hits' : status === 'miss' ? 'misses' : status === 'stale' ? 'stale' : 'bypass');
  }

  /** The hot path: one MGET of [generation, value] in the series' slot. */
  private read(resolved: ResolvedKey): Promise<GuardedResult<GlideReturnType>> {
    return this.deps.valkey.run('read', (client) => client.mget([resolved.genKey, resolved.valueKey], { decoder: Decoder.Bytes }));
  }

  private async fetch<T>(resolved: ResolvedKey, loader: () => Promise<T>, options: GetOrLoadOptions<T>): Promise<Outcome> {
    const { valkey, stats, lockMs, lockWaitMs } = this.deps;
    if (this.deps.hasPendingBump(resolved.tag)) return this.bypass(loader, options);
    let reply = await this.read(resolved);
    if (!reply.ok) return this.bypass(loader, options);
    const token = this.deps.nextToken();
    let waited = false;
    let sawPresent = false;
    const deadline = Date.now() + lockWaitMs;
    let delay = POLL_MIN_MS;
    for (;;) {
      const [genBytes, valueBytes] = reply.value as [Buffer | null, Buffer | null];
      if (genBytes && valueBytes) {
        const hit = this.decodeHit(valueBytes, genBytes.toString('latin1'), options);
        if (hit) {
          if (hit.outcome.status === 'stale') this.revalidate(resolved, hit.gen, loader, options);
          return hit.outcome;
        }
      }
      // Miss (absent, older generation, older format or expired without grace): initialise the
      // generation if needed and try the fill lock, in one script.
      const lock = await valkey.run('lock', (client) =>
        client.invokeScript(LOCK, {
          keys: [resolved.genKey, resolved.valueKey, resolved.lockKey],
          args: [token, String(lockMs)],
          decoder: Decoder.String,
        }),
      );
      if (!lock.ok) return this.bypass(loader, options);
      const [gen, present, locked] = lock.value as [string, number, number];
      if (locked === 1) return this.loadAndStore(resolved, gen, loader, options, token);
      if (present === 1) {
        // A value of this generation is there but this caller could not use it twice in a row
        // (expired without grace for this caller, or another codec's format): load and overwrite.
        if (sawPresent) return this.loadAndStore(resolved, gen, loader, options, '');
        sawPresent = true;
      } else {
        // Another caller (probably another process) holds the lock: wait for its value.
        if (!waited) {
          waited = true;
          stats.inc('lockWaits');
        }
        if (Date.now() >= deadline) {
          stats.inc('lockTimeouts');
          return this.loadAndStore(resolved, gen, loader, options, '');
        }
        await sleep(delay);
        delay = Math.min(POLL_MAX_MS, Math.ceil(delay * 1.5));
      }
      // Re-read. If the holder died, its lock expires (lockMs) and the first waiter to retry takes over.
      reply = await this.read(resolved);
      if (!reply.ok) return this.bypass(loader, options);
    }
  }

  private decodeHit<T>(stored: Buffer, gen: string, options: GetOrLoadOptions<T>): Hit | undefined {
    const envelope = unwrap(stored);
    if (!envelope || envelope.gen !== padGen(gen)) return undefined;
    const value = options.codec.decode(envelope.payload);
    if (value === undefined) return undefined;
    const now = Date.now();
    const stale = now > envelope.freshUntilMs;
    // A value past its fresh time but still present is only served when the caller allows SWR.
    if (stale && !(options.staleSeconds && options.staleSeconds > 0)) return undefined;
    const status: CacheStatus = stale ? 'stale' : 'hit';
    return { outcome: { value, bytes: envelope.payload, status, ageMs: Math.max(0, now - envelope.storedAtMs) }, gen };
  }

  /** gen null: resolve the current generation first (refresh). token '': store without holding the lock. */
  private async loadAndStore<T>(
    resolved: ResolvedKey,
    gen: string | null,
    loader: () => Promise<T>,
    options: GetOrLoadOptions<T>,
    token: string,
  ): Promise<Outcome> {
    const { valkey, stats } = this.deps;
    stats.inc('loaderCalls');
    let value: T;
    try {
      value = await loader();
    } catch (err) {
      if (token) void valkey.run('unlock', (client) => client.invokeScript(UNLOCK, { keys: [resolved.lockKey], args: [token] }));
      throw err;
    }
    const bytes = options.codec.encode(value);
    if (gen === null) {
      const current = await valkey.run('gen', (client) => client.invokeScript(GEN, { keys: [resolved.genKey], decoder: Decoder.String }));
      if (!current.ok) return { value, bytes, status: 'bypass', ageMs: 0 };
      gen = String(current.value);
    }
    const now = Date.now();
    const ttlMs = options.ttlSeconds * 1000;
    const expiresInMs = ttlMs + (options.staleSeconds ?? 0) * 1000;
    const stored = wrap(bytes, gen, now, now + ttlMs);
    const write = await valkey.run('write', (client) =>
      client.invokeScript(WRITE, {
        keys: [resolved.genKey, resolved.valueKey, resolved.lockKey],
        args: [stored, String(expiresInMs), token, gen],
      }),
    );
    return { value, bytes, status: write.ok ? 'miss' : 'bypass', ageMs: 0 };
  }

  private async bypass<T>(loader: () => Promise<T>, options: GetOrLoadOptions<T>): Promise<Outcome> {
    this.deps.stats.inc('loaderCalls');
    const value = await loader();
    return { value, bytes: options.codec.encode(value), status: 'bypass', ageMs: 0 };
  }

  /** Stale-while-revalidate: one refresher across processes (the fill lock), errors only logged. */
  private revalidate<T>(resolved: ResolvedKey, gen: string, loader: () => Promise<T>, options: GetOrLoadOptions<T>): void {
    const { valkey, stats, logger, lockMs } = this.deps;
    const { promise } = this.refreshes.run(resolved.id, async () => {
      const token = this.deps.nextToken();
      const lock = await valkey.run('lock', (client) =>
        client.set(resolved.lockKey, token, {
          conditionalSet: 'onlyIfDoesNotExist',
          expiry: { type: TimeUnit.Milliseconds, count: lockMs },
        }),
      );
      if (!lock.ok || lock.value !== 'OK') return;
      await this.loadAndStore(resolved, gen, loader, options, token);
    });
    promise.catch((err: unknown) => {
      stats.inc('errors');
      logger?.warn({ err: String(err), key: resolved.id }, 'cache: background refresh failed');
    });
  }
}
