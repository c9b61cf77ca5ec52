import { setTimeout as sleep } from 'node:timers/promises';
import { Decoder, TimeUnit, type GlideReturnType } from '@valkey/valkey-glide';
import type { Logger } from 'pino';
import { z } from 'zod';
import { abortable } from './abortable.ts';
import { advanceStored } from './advance-stored.ts';
import { ENVELOPE_VERSION, padGen, unwrap, wrap } from './envelope.ts';
import { CacheAbortError, CacheConfigError } from './errors.ts';
import type { GuardedCall, GuardedResult } from './guarded-call.ts';
import { HEAD_MAGIC, headRevOf } from './head-record.ts';
import type { CacheKey, KeyBuilder, ResolvedKey } from './keys.ts';
import { FAIL_LOCK, GEN, LOCK, WRITE } from './scripts.ts';
import { SingleFlight } from './single-flight.ts';
import type { StatsRecorder } from './stats.ts';
import type { Cached, CacheStatus, CacheVersion, GetOrLoadOptions } from './types.ts';

/** What one flight produces; every caller that joined it gets its own Cached<T> from this. */
interface Outcome {
  value: unknown;
  /** Encoded payload, so callers joining a flight decode their own copy (safe to transfer). */
  bytes: Buffer | undefined;
  status: CacheStatus;
  ageMs: number;
  version: CacheVersion | null;
  /** A hit brought up to the series head by `advance`. */
  advanced: boolean;
}

/** A stored value of the current generation this caller could not use (see fetch). */
type Unusable = { unusable: 'expired' | 'behind-head'; stamp: string };

interface Hit {
  outcome: Outcome;
  gen: string;
  headRev: number;
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

const ENVELOPE_MAGIC = `WE${String.fromCharCode(ENVELOPE_VERSION)}\0`;

const MAX_TTL_SECONDS = 30 * 86_400;
/** Hand-written twin of getOrLoadSchema for the hot path; the schema explains failures. */
const isTtl = (seconds: unknown): boolean =>
  Number.isInteger(seconds) && (seconds as number) >= 1 && (seconds as number) <= MAX_TTL_SECONDS;
const getOrLoadSchema = z.object({
  ttlSeconds: z.number().int().min(1).max(MAX_TTL_SECONDS),
  staleSeconds: z.number().int().min(0).max(MAX_TTL_SECONDS).optional(),
});

/**
 * A holder whose load failed turns its lock into `!<token>` for this long (never longer than the lock
 * itself): waiters polling the lock see it and load at once (each its own loader, so each fails — or
 * succeeds — with its own error class) instead of waiting out their budget or queueing one by one
 * behind the freed lock. Longer than a few poll steps, so a waiter on a busy event loop still sees it.
 */
const FAILED_MARK_MS = 1_000;
const FAILED_MARK = 0x21; // '!': tokens are base64url + '.' + digits, never '!'

const POLL_MIN_MS = 5;
const POLL_MAX_MS = 50;
const REFRESH_FLIGHT = 'refresh:';

/**
 * Get-or-load, the cache protocol's read side: single-flight in process, then one MGET [gen, value]
 * (with `advance`: [gen, head, value]); on a miss the fill lock (one script, which also reads the head
 * rev before the load), the load, and a write that lands only if the generation did not move.
 * Stale-while-revalidate hands one background refresh to whoever takes the lock. A value behind its
 * series head is brought up to it by `advance` inside the flight (advance-stored.ts).
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
    if (outcome.advanced) this.deps.stats.inc('advanced');
    let value = outcome.value as T;
    // Joiners decode their own copy: the leader's value may be zero-copy over the shared bytes and
    // may be transferred to a worker by its caller.
    if (!leader && outcome.bytes) value = codec.decode(Buffer.from(outcome.bytes)) ?? value;
    return { value, status: outcome.status, ageMs: outcome.ageMs, version: outcome.version };
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

  /**
   * The hot path: one MGET of [generation, value] — or [generation, head, value] — in the series' slot.
   * A waiter also reads the fill lock (same slot, last): that is how it learns the holder failed.
   */
  private read(resolved: ResolvedKey, withHead: boolean, withLock = false): Promise<GuardedResult<GlideReturnType>> {
    const keys = withHead ? [resolved.genKey, resolved.headKey!, resolved.valueKey] : [resolved.genKey, resolved.valueKey];
    if (withLock) keys.push(resolved.lockKey);
    return this.deps.valkey.run('read', (client) => client.mget(keys, { decoder: Decoder.Bytes }));
  }

  private async fetch<T>(resolved: ResolvedKey, loader: () => Promise<T>, options: GetOrLoadOptions<T>): Promise<Outcome> {
    const { valkey, stats, lockMs, lockWaitMs } = this.deps;
    if (this.deps.hasPendingBump(resolved.tag)) return this.bypass(loader, options);
    // `global` keys have no head: advance never applies to them.
    const advance = resolved.headKey ? options.advance : undefined;
    const withHead = advance !== undefined;
    let reply = await this.read(resolved, withHead);
    if (!reply.ok) return this.bypass(loader, options);
    const token = this.deps.nextToken();
    let waited = false;
    let sawPresent = false;
    /** The stored value found behind the head and not advanced: never handed to advance twice. */
    let declined: string | undefined;
    const deadline = Date.now() + lockWaitMs;
    let delay = POLL_MIN_MS;
    /** The generation and head rev the last lock attempt saw: what a load of this flight is stored at. */
    let at: CacheVersion | undefined;
    for (;;) {
      const replies = reply.value as (Buffer | null)[];
      const genBytes = replies[0];
      const lockBytes = waited ? replies[withHead ? 3 : 2] : undefined;
      const valueBytes = replies[withHead ? 2 : 1];
      let force = false;
      if (genBytes && valueBytes) {
        const found = await this.useStored(
          resolved,
          valueBytes,
          genBytes.toString('latin1'),
          withHead ? replies[1] : undefined,
          options,
          declined,
        );
        if (found && 'outcome' in found) {
          if (found.outcome.status === 'stale') this.revalidate(resolved, found.gen, found.headRev, loader, options);
          return found.outcome;
        }
        if (found?.unusable === 'behind-head') {
          // This generation's value is there but cannot be brought up to the head: load it anew, under
          // the fill lock (taken even though a value is present), so one process reloads.
          declined = found.stamp;
          force = true;
        }
      }
      // The holder we waited for failed (its lock became `!token`): load now, without the lock, so this
      // waiter settles with its own loader's answer instead of waiting out its budget.
      if (at && lockBytes && lockBytes[0] === FAILED_MARK) return this.loadAndStore(resolved, at, loader, options, '');
      // Miss (absent, older generation, older format or expired without grace): initialise the
      // generation if needed and try the fill lock, in one script that also reads the head rev.
      const lock = await valkey.run('lock', (client) =>
        client.invokeScript(LOCK, {
          keys: resolved.headKey
            ? [resolved.genKey, resolved.valueKey, resolved.lockKey, resolved.headKey]
            : [resolved.genKey, resolved.valueKey, resolved.lockKey],
          args: [token, String(lockMs), ENVELOPE_MAGIC, HEAD_MAGIC, force ? '1' : '0'],
          decoder: Decoder.String,
        }),
      );
      if (!lock.ok) return this.bypass(loader, options);
      const [gen, present, locked, headRevText] = lock.value as [string, number, number, string];
      at = { gen, headRev: Number(headRevText) };
      if (locked === 1) return this.loadAndStore(resolved, at, loader, options, token);
      if (present === 1) {
        // A value of this generation is there but this caller could not use it twice in a row
        // (expired without grace for this caller, or another codec's format): load and overwrite.
        if (sawPresent) return this.loadAndStore(resolved, at, loader, options, '');
        sawPresent = true;
      } else {
        // Another caller (probably another process) holds the lock: wait for its value.
        if (!waited) {
          waited = true;
          stats.inc('lockWaits');
        }
        if (Date.now() >= deadline) {
          stats.inc('lockTimeouts');
          return this.loadAndStore(resolved, at, loader, options, '');
        }
        await sleep(delay);
        delay = Math.min(POLL_MAX_MS, Math.ceil(delay * 1.5));
      }
      // Re-read (with the lock once waiting). If the holder died, its lock expires (lockMs) and the
      // first waiter to retry takes over; if its load failed, the lock says so (FAILED_MARK).
      reply = await this.read(resolved, withHead, waited);
      if (!reply.ok) return this.bypass(loader, options);
    }
  }

  /**
   * A stored value → a hit, or why not. `head`: the head record read with it (null: none stored),
   * undefined when the head was not read (no `advance`). `declined`: the stamp of a stored value this
   * flight already found behind the head and could not advance.
   */
  private async useStored<T>(
    resolved: ResolvedKey,
    stored: Buffer,
    gen: string,
    head: Buffer | null | undefined,
    options: GetOrLoadOptions<T>,
    declined: string | undefined,
  ): Promise<Hit | Unusable | undefined> {
    const envelope = unwrap(stored);
    if (!envelope || envelope.gen !== padGen(gen)) return undefined;
    const now = Date.now();
    const stale = now > envelope.freshUntilMs;
    const stamp = `${envelope.headRev}:${envelope.storedAtMs}`;
    // A value past its fresh time but still present is only served when the caller allows SWR.
    if (stale && !(options.staleSeconds && options.staleSeconds > 0)) return { unusable: 'expired', stamp };
    if (head !== undefined && options.advance) {
      const headRev = (head && headRevOf(head)) ?? 0;
      // No head although the value was stored at one: the head was lost (evicted, cleared), so this
      // value cannot be checked against it. Load anew (stored at rev 0, valid until the next write).
      if (headRev === 0 && envelope.headRev > 0) return { unusable: 'behind-head', stamp };
      if (envelope.headRev < headRev) {
        if (stamp === declined) return { unusable: 'behind-head', stamp };
        const advanced = await advanceStored(this.deps, resolved, envelope, gen, head!, options, options.advance);
        if (!advanced) return { unusable: 'behind-head', stamp };
        const version = { gen, headRev: advanced.headRev };
        return {
          outcome: { value: advanced.value, bytes: advanced.bytes, status: 'hit', ageMs: 0, version, advanced: true },
          gen,
          headRev: advanced.headRev,
        };
      }
    }
    const value = options.codec.decode(envelope.payload);
    if (value === undefined) return undefined;
    const status: CacheStatus = stale ? 'stale' : 'hit';
    const version = { gen, headRev: envelope.headRev };
    const ageMs = Math.max(0, now - envelope.storedAtMs);
    return { outcome: { value, bytes: envelope.payload, status, ageMs, version, advanced: false }, gen, headRev: envelope.headRev };
  }

  /**
   * `at` null: resolve the current generation and head rev first (refresh) — before the load, so a
   * bump during the load keeps its result out. token '': store without holding the lock.
   */
  private async loadAndStore<T>(
    resolved: ResolvedKey,
    at: CacheVersion | null,
    loader: () => Promise<T>,
    options: GetOrLoadOptions<T>,
    token: string,
  ): Promise<Outcome> {
    const { valkey, stats } = this.deps;
    if (at === null) {
      const current = await valkey.run('gen', (client) =>
        client.invokeScript(GEN, {
          keys: resolved.headKey ? [resolved.genKey, resolved.headKey] : [resolved.genKey],
          args: [HEAD_MAGIC],
          decoder: Decoder.String,
        }),
      );
      if (!current.ok) return this.bypass(loader, options);
      const [gen, headRevText] = current.value as [string, string];
      at = { gen, headRev: Number(headRevText) };
    }
    stats.inc('loaderCalls');
    let value: T;
    let bytes: Buffer;
    try {
      value = await loader();
      bytes = options.codec.encode(value);
    } catch (err) {
      // Tell the waiters now (they poll the lock) rather than let them wait out the lock.
      if (token) {
        const args = [token, String(Math.min(FAILED_MARK_MS, this.deps.lockMs))];
        void valkey.run('unlock', (client) => client.invokeScript(FAIL_LOCK, { keys: [resolved.lockKey], args }));
      }
      throw err;
    }
    const now = Date.now();
    const ttlMs = options.ttlSeconds * 1000;
    const expiresInMs = ttlMs + (options.staleSeconds ?? 0) * 1000;
    const stored = wrap(bytes, at.gen, at.headRev, now, now + ttlMs);
    const write = await valkey.run('write', (client) =>
      client.invokeScript(WRITE, {
        keys: [resolved.genKey, resolved.valueKey, resolved.lockKey],
        args: [stored, String(expiresInMs), token, at.gen],
      }),
    );
    if (!write.ok) return { value, bytes, status: 'bypass', ageMs: 0, version: null, advanced: false };
    return { value, bytes, status: 'miss', ageMs: 0, version: at, advanced: false };
  }

  private async bypass<T>(loader: () => Promise<T>, options: GetOrLoadOptions<T>): Promise<Outcome> {
    this.deps.stats.inc('loaderCalls');
    const value = await loader();
    return { value, bytes: options.codec.encode(value), status: 'bypass', ageMs: 0, version: null, advanced: false };
  }

  /** Stale-while-revalidate: one refresher across processes (the fill lock), errors only logged. */
  private revalidate<T>(resolved: ResolvedKey, gen: string, headRev: number, loader: () => Promise<T>, options: GetOrLoadOptions<T>): void {
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
      await this.loadAndStore(resolved, { gen, headRev }, loader, options, token);
    });
    promise.catch((err: unknown) => {
      stats.inc('errors');
      logger?.warn({ err: String(err), key: resolved.id }, 'cache: background refresh failed');
    });
  }
}
