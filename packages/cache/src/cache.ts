import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Decoder, InfoOptions, TimeUnit, type GlideClusterClient, type GlideReturnType } from '@valkey/valkey-glide';
import { z } from 'zod';
import { CircuitBreaker, type BreakerState } from './breaker.ts';
import type { Codec } from './codec.ts';
import { Connection, isFatal, isTimeout } from './connection.ts';
import { padGen, unwrap, wrap } from './envelope.ts';
import { CacheAbortError, CacheConfigError } from './errors.ts';
import { KeyBuilder, safeSegment, seriesTag, type CacheKey, type ResolvedKey, type SeriesRef } from './keys.ts';
import { resolveOptions, type CacheOptions, type ResolvedOptions } from './options.ts';
import { BUMP, GEN, LOCK, RATE_LIMIT, UNLOCK, WRITE } from './scripts.ts';
import { SingleFlight } from './single-flight.ts';
import { parseInfo, StatsRecorder, type CacheStats, type NodeStats } from './stats.ts';
import { DEFAULT_TTL, INTERVALS, mergeTtl, ttlForWindow, ttlPatchFromEnv, type Interval, type TtlTable } from './ttl.ts';

export type CacheStatus = 'hit' | 'miss' | 'stale' | 'bypass';

export interface GetOrLoadOptions<T> {
  codec: Codec<T>;
  /** Fresh lifetime in seconds (see ttlFor). */
  ttlSeconds: number;
  /** Stale-while-revalidate grace after ttlSeconds; 0/absent = never serve stale. */
  staleSeconds?: number;
  /** Aborts this caller's wait only; a shared load keeps running for the other callers. */
  signal?: AbortSignal;
}

export interface Cached<T> {
  value: T;
  status: CacheStatus;
  /** Age of the cached value (0 when just loaded). */
  ageMs: number;
}

export interface RateLimitResult {
  allowed: boolean;
  remaining: number;
  retryAfterMs: number;
  /** True when Valkey was unreachable and the call was allowed without counting (fail open). */
  degraded?: boolean;
}

export interface HealthNode {
  address: string;
  role: 'primary' | 'replica';
  ok: boolean;
  latencyMs: number;
}

export interface ClearResult {
  removed: number;
  byNode: Record<string, number>;
}

export interface WickCache {
  getOrLoad<T>(key: CacheKey, loader: () => Promise<T>, options: GetOrLoadOptions<T>): Promise<Cached<T>>;
  /** Load and store unconditionally (the warmer's refresh). */
  refresh<T>(key: CacheKey, loader: () => Promise<T>, options: GetOrLoadOptions<T>): Promise<Cached<T>>;
  invalidateSeries(series: SeriesRef): Promise<void>;
  invalidateSymbol(symbol: string): Promise<void>;
  /** Bump a `global` key namespace. */
  invalidateNamespace(namespace: string): Promise<void>;
  clear(): Promise<ClearResult>;
  ttlFor(interval: Interval, opts: { toMs: number; nowMs?: number }): number;
  rateLimit(id: string, limit: number, windowMs: number): Promise<RateLimitResult>;
  health(): Promise<{ ok: boolean; nodes: HealthNode[] }>;
  stats(): Promise<CacheStats>;
  readonly breakerState: BreakerState;
  readonly ttlTable: Readonly<TtlTable>;
  close(): Promise<void>;
}

interface Outcome {
  value: unknown;
  /** Encoded payload, so callers joining a flight decode their own copy (safe to transfer). */
  bytes: Buffer | undefined;
  status: CacheStatus;
  ageMs: number;
}

const MAX_TTL_S = 30 * 86_400;
/** Hand-written twin of getOrLoadSchema for the hot path; the schema explains failures. */
const ttlOk = (s: unknown): boolean => Number.isInteger(s) && (s as number) >= 1 && (s as number) <= MAX_TTL_S;
const getOrLoadSchema = z.object({
  ttlSeconds: z.number().int().min(1).max(MAX_TTL_S),
  staleSeconds: z.number().int().min(0).max(MAX_TTL_S).optional(),
});

const rateLimitSchema = z.object({
  id: z.string().min(1).max(16_384),
  limit: z.number().int().min(1).max(1_000_000),
  windowMs: z.number().int().min(1).max(86_400_000),
});

const ADMIN_TIMEOUT_MS = 2_000;
const CLEAR_MAX_KEYS_PER_NODE = 1_000_000;
/** If probes keep failing this long, replace the client (e.g. the whole cluster was re-created). */
const RECREATE_AFTER_MS = 10_000;
const POLL_MIN_MS = 5;
const POLL_MAX_MS = 50;

class ValkeyCache implements WickCache {
  readonly ttlTable: Readonly<TtlTable>;
  private readonly keys: KeyBuilder;
  private readonly breaker: CircuitBreaker;
  private readonly conn: Connection;
  private readonly rec: StatsRecorder;
  private readonly flights = new SingleFlight<Outcome>();
  private readonly refreshes = new SingleFlight<void>();
  /** Bumps that could not reach Valkey: retried by the prober; reads of these series bypass. */
  private readonly pendingBumps = new Set<string>();
  private readonly tokenBase = randomBytes(9).toString('base64url');
  private tokenSeq = 0;
  private prober: NodeJS.Timeout | null = null;
  private probeRunning: Promise<void> | null = null;
  private closed = false;

  constructor(private readonly o: ResolvedOptions) {
    this.ttlTable = mergeTtl(DEFAULT_TTL, ttlPatchFromEnv(o.env ?? process.env), o.ttl);
    this.keys = new KeyBuilder(o.prefix);
    this.rec = new StatsRecorder(o.registry, () => this.nodeStats());
    this.breaker = new CircuitBreaker({
      failureThreshold: o.breaker.failureThreshold,
      onChange: (s) => {
        this.rec.breaker(s);
        o.logger?.[s === 'closed' ? 'info' : 'warn']({ breaker: s }, `cache: breaker ${s}`);
      },
    });
    this.conn = new Connection(
      { nodes: o.nodes, requestTimeoutMs: o.requestTimeoutMs, connectTimeoutMs: o.connectTimeoutMs, inflightLimit: o.inflightLimit },
      o.logger,
      () => void this.probe(),
    );
    // Until the first connection succeeds the cache is "open": every call goes to its loader.
    this.breaker.trip();
    this.prober = setInterval(() => void this.probe(), o.breaker.openMs);
    this.prober.unref();
  }

  async start(): Promise<void> {
    if (await this.conn.connect()) await this.probe();
  }

  get breakerState(): BreakerState {
    return this.breaker.state;
  }

  ttlFor(interval: Interval, opts: { toMs: number; nowMs?: number }): number {
    return ttlForWindow(this.ttlTable, interval, opts.toMs, opts.nowMs ?? Date.now());
  }

  // --- getOrLoad ------------------------------------------------------------------------------

  async getOrLoad<T>(key: CacheKey, loader: () => Promise<T>, options: GetOrLoadOptions<T>): Promise<Cached<T>> {
    return this.run(key, loader, options, false);
  }

  async refresh<T>(key: CacheKey, loader: () => Promise<T>, options: GetOrLoadOptions<T>): Promise<Cached<T>> {
    return this.run(key, loader, options, true);
  }

  private async run<T>(key: CacheKey, loader: () => Promise<T>, options: GetOrLoadOptions<T>, force: boolean): Promise<Cached<T>> {
    if (!ttlOk(options.ttlSeconds) || !(options.staleSeconds === undefined || options.staleSeconds === 0 || ttlOk(options.staleSeconds))) {
      const v = getOrLoadSchema.safeParse({ ttlSeconds: options.ttlSeconds, staleSeconds: options.staleSeconds });
      throw new CacheConfigError(`invalid getOrLoad options: ${v.success ? 'out of range' : v.error.message}`);
    }
    const rk = this.keys.resolve(key);
    const { signal, codec } = options;
    if (signal?.aborted) throw new CacheAbortError('aborted');
    const flightId = force ? `refresh:${rk.id}` : rk.id;
    const { promise, leader } = this.flights.run(flightId, () =>
      force ? this.loadAndStore(rk, null, loader, options, '') : this.fetch(rk, loader, options),
    );
    const out = await abortable(promise, signal);
    this.count(out.status);
    let value = out.value as T;
    // Joiners decode their own copy: the leader's value may be zero-copy over the shared bytes and
    // may be transferred to a worker by its caller.
    if (!leader && out.bytes) value = codec.decode(Buffer.from(out.bytes)) ?? value;
    return { value, status: out.status, ageMs: out.ageMs };
  }

  private count(status: CacheStatus): void {
    this.rec.inc(status === 'hit' ? 'hits' : status === 'miss' ? 'misses' : status === 'stale' ? 'stale' : 'bypass');
  }

  private nextToken(): string {
    return `${this.tokenBase}.${++this.tokenSeq}`;
  }

  /** One Valkey call guarded by the breaker; undefined = unavailable (caller bypasses). */
  private async guarded<R>(
    op: string,
    fn: (c: GlideClusterClient) => Promise<R>,
    timeoutMs?: number,
  ): Promise<{ ok: true; value: R } | { ok: false }> {
    if (!this.breaker.allow()) return { ok: false };
    const t0 = performance.now();
    try {
      const value = await this.conn.call(fn, timeoutMs);
      this.rec.latency(op, performance.now() - t0);
      this.breaker.success();
      return { ok: true, value };
    } catch (err) {
      this.rec.latency(op, performance.now() - t0);
      this.rec.inc('errors');
      if (isTimeout(err)) this.rec.inc('timeouts');
      this.breaker.failure(isFatal(err));
      this.o.logger?.debug({ err: String(err), op }, 'cache: valkey call failed');
      return { ok: false };
    }
  }

  /** The hot path: one MGET of [generation, value] in the series' slot. */
  private read(rk: ResolvedKey): Promise<{ ok: true; value: GlideReturnType } | { ok: false }> {
    return this.guarded('read', (c) => c.mget([rk.genKey, rk.valueKey], { decoder: Decoder.Bytes }));
  }

  private async fetch<T>(rk: ResolvedKey, loader: () => Promise<T>, opts: GetOrLoadOptions<T>): Promise<Outcome> {
    if (this.pendingBumps.has(rk.tag)) return this.bypass(loader, opts);
    let r = await this.read(rk);
    if (!r.ok) return this.bypass(loader, opts);
    const token = this.nextToken();
    let waited = false;
    let sawPresent = false;
    const deadline = Date.now() + this.o.lockWaitMs;
    let delay = POLL_MIN_MS;
    for (;;) {
      const [genBuf, valueBuf] = r.value as [Buffer | null, Buffer | null];
      if (genBuf && valueBuf) {
        const hit = this.decodeHit(valueBuf, genBuf.toString('latin1'), opts);
        if (hit) {
          if (hit.status === 'stale') this.revalidate(rk, hit.gen, loader, opts);
          return hit.outcome;
        }
      }
      // Miss (absent, older generation, older format or expired without grace): initialise the
      // generation if needed and try the fill lock, in one script.
      const l = await this.guarded('lock', (c) =>
        c.invokeScript(LOCK, { keys: [rk.genKey, rk.valueKey, rk.lockKey], args: [token, String(this.o.lockMs)], decoder: Decoder.String }),
      );
      if (!l.ok) return this.bypass(loader, opts);
      const [gen, present, locked] = l.value as [string, number, number];
      if (locked === 1) return this.loadAndStore(rk, gen, loader, opts, token);
      if (present === 1) {
        // A value of this generation is there but this caller could not use it twice in a row
        // (expired without grace for this caller, or another codec's format): load and overwrite.
        if (sawPresent) return this.loadAndStore(rk, gen, loader, opts, '');
        sawPresent = true;
      } else {
        // Another caller (probably another process) holds the lock: wait for its value.
        if (!waited) {
          waited = true;
          this.rec.inc('lockWaits');
        }
        if (Date.now() >= deadline) {
          this.rec.inc('lockTimeouts');
          return this.loadAndStore(rk, gen, loader, opts, '');
        }
        await sleep(delay);
        delay = Math.min(POLL_MAX_MS, Math.ceil(delay * 1.5));
      }
      // Re-read. If the holder died, its lock expires (lockMs) and the first waiter to retry takes over.
      r = await this.read(rk);
      if (!r.ok) return this.bypass(loader, opts);
    }
  }

  private decodeHit<T>(
    buf: Buffer,
    gen: string,
    opts: GetOrLoadOptions<T>,
  ): { outcome: Outcome; gen: string; status: CacheStatus } | undefined {
    const env = unwrap(buf);
    if (!env || env.gen !== padGen(gen)) return undefined;
    const value = opts.codec.decode(env.payload);
    if (value === undefined) return undefined;
    const now = Date.now();
    const stale = now > env.freshUntilMs;
    // A value past its fresh time but still present is only served when the caller allows SWR.
    if (stale && !(opts.staleSeconds && opts.staleSeconds > 0)) return undefined;
    const status: CacheStatus = stale ? 'stale' : 'hit';
    return { outcome: { value, bytes: env.payload, status, ageMs: Math.max(0, now - env.storedAtMs) }, gen, status };
  }

  private async loadAndStore<T>(
    rk: ResolvedKey,
    gen: string | null,
    loader: () => Promise<T>,
    opts: GetOrLoadOptions<T>,
    token: string,
  ): Promise<Outcome> {
    this.rec.inc('loaderCalls');
    let value: T;
    try {
      value = await loader();
    } catch (err) {
      if (token) void this.guarded('unlock', (c) => c.invokeScript(UNLOCK, { keys: [rk.lockKey], args: [token] }));
      throw err;
    }
    const bytes = opts.codec.encode(value);
    if (gen === null) {
      // refresh(): resolve the current generation first.
      const r = await this.guarded('gen', (c) => c.invokeScript(GEN, { keys: [rk.genKey], decoder: Decoder.String }));
      if (!r.ok) return { value, bytes, status: 'bypass', ageMs: 0 };
      gen = String(r.value);
    }
    const now = Date.now();
    const ttlMs = opts.ttlSeconds * 1000;
    const pxMs = ttlMs + (opts.staleSeconds ?? 0) * 1000;
    const stored = wrap(bytes, gen, now, now + ttlMs);
    const w = await this.guarded('write', (c) =>
      c.invokeScript(WRITE, { keys: [rk.genKey, rk.valueKey, rk.lockKey], args: [stored, String(pxMs), token, gen] }),
    );
    return { value, bytes, status: w.ok ? 'miss' : 'bypass', ageMs: 0 };
  }

  private async bypass<T>(loader: () => Promise<T>, opts: GetOrLoadOptions<T>): Promise<Outcome> {
    this.rec.inc('loaderCalls');
    const value = await loader();
    return { value, bytes: opts.codec.encode(value), status: 'bypass', ageMs: 0 };
  }

  /** Stale-while-revalidate: one refresher across processes (the fill lock), errors only logged. */
  private revalidate<T>(rk: ResolvedKey, gen: string, loader: () => Promise<T>, opts: GetOrLoadOptions<T>): void {
    const { promise } = this.refreshes.run(rk.id, async () => {
      const token = this.nextToken();
      const got = await this.guarded('lock', (c) =>
        c.set(rk.lockKey, token, { conditionalSet: 'onlyIfDoesNotExist', expiry: { type: TimeUnit.Milliseconds, count: this.o.lockMs } }),
      );
      if (!got.ok || got.value !== 'OK') return;
      await this.loadAndStore(rk, gen, loader, opts, token);
    });
    promise.catch((err: unknown) => {
      this.rec.inc('errors');
      this.o.logger?.warn({ err: String(err), key: rk.id }, 'cache: background refresh failed');
    });
  }

  // --- invalidation ---------------------------------------------------------------------------

  async invalidateSeries(series: SeriesRef): Promise<void> {
    this.keys.resolve({ kind: 'candles', series, window: '-' }); // validates
    await this.bumpTag(seriesTag(series));
  }

  async invalidateSymbol(symbol: string): Promise<void> {
    await Promise.all(INTERVALS.map((interval) => this.invalidateSeries({ symbol, interval })));
  }

  async invalidateNamespace(namespace: string): Promise<void> {
    this.keys.resolve({ kind: 'global', namespace, id: '-' });
    await this.bumpTag(`ns:${safeSegment(namespace)}`);
  }

  private async bumpTag(tag: string): Promise<void> {
    this.rec.inc('invalidations');
    // Nobody may join a flight that started before the bump.
    const base = this.keys.tagged(tag);
    this.flights.forget((id) => id.startsWith(base) || id.startsWith(`refresh:${base}`));
    const r = await this.guarded('bump', (c) => c.invokeScript(BUMP, { keys: [this.keys.genKeyOfTag(tag)] }));
    if (!r.ok) {
      // Keep the promise: until the bump lands, this process reads the series without the cache.
      this.pendingBumps.add(tag);
      this.o.logger?.warn({ tag }, 'cache: invalidation deferred, valkey unavailable');
    } else {
      this.pendingBumps.delete(tag);
    }
  }

  // --- breaker probe --------------------------------------------------------------------------

  /** Background only: requests never wait for a probe. Concurrent callers share the running one. */
  private probe(): Promise<void> {
    this.probeRunning ??= this.probeOnce().finally(() => (this.probeRunning = null));
    return this.probeRunning;
  }

  private async probeOnce(): Promise<void> {
    if (this.closed) return;
    if (this.breaker.state === 'closed' && this.pendingBumps.size === 0) return;
    if (!this.conn.current) return; // the connection loop is still trying
    {
      if (this.breaker.state !== 'closed') {
        this.breaker.probing();
        try {
          await this.conn.call((c) => c.ping({ route: 'allPrimaries' }));
          this.breaker.success();
        } catch {
          this.breaker.probeFailed();
          if (Date.now() - this.breaker.openedAt > RECREATE_AFTER_MS) {
            this.o.logger?.warn('cache: valkey still unreachable, recreating the client');
            this.breaker.trip();
            this.conn.recreate();
          }
          return;
        }
      }
      for (const tag of [...this.pendingBumps]) await this.bumpTag(tag);
    }
  }

  // --- rate limit -----------------------------------------------------------------------------

  async rateLimit(id: string, limit: number, windowMs: number): Promise<RateLimitResult> {
    const v = rateLimitSchema.safeParse({ id, limit, windowMs });
    if (!v.success) throw new CacheConfigError(`invalid rateLimit arguments: ${v.error.message}`);
    const key = `${this.keys.tagged(`rl:${safeSegment(id)}`)}rl`;
    const r = await this.guarded('rate_limit', (c) =>
      c.invokeScript(RATE_LIMIT, { keys: [key], args: [String(limit), String(windowMs), this.nextToken()] }),
    );
    if (!r.ok) {
      this.rec.inc('rateLimitFailOpen');
      return { allowed: true, remaining: limit, retryAfterMs: 0, degraded: true };
    }
    const [allowed, remaining, retry] = r.value as [number, number, number];
    return { allowed: allowed === 1, remaining: Number(remaining), retryAfterMs: Number(retry) };
  }

  // --- admin ----------------------------------------------------------------------------------

  private async clusterNodes(): Promise<{ host: string; port: number; address: string; role: 'primary' | 'replica'; failed: boolean }[]> {
    const text = (await this.conn.call(
      (c) => c.customCommand(['CLUSTER', 'NODES'], { route: 'randomNode', decoder: Decoder.String }),
      ADMIN_TIMEOUT_MS,
    )) as string;
    const out = [];
    for (const line of text.split('\n')) {
      const parts = line.trim().split(' ');
      if (parts.length < 8) continue;
      const address = parts[1]!.split('@')[0]!;
      const i = address.lastIndexOf(':');
      const flags = parts[2]!.split(',');
      if (flags.includes('noaddr') || flags.includes('handshake')) continue;
      out.push({
        host: address.slice(0, i),
        port: Number(address.slice(i + 1)),
        address,
        role: flags.includes('master') ? ('primary' as const) : ('replica' as const),
        failed: flags.includes('fail') || flags.includes('fail?'),
      });
    }
    return out.sort((a, b) => a.address.localeCompare(b.address));
  }

  /** Per primary: SCAN our prefix, UNLINK in batches. Bounded per node; never touches other prefixes. */
  async clear(): Promise<ClearResult> {
    const byNode: Record<string, number> = {};
    let removed = 0;
    const nodes = (await this.clusterNodes()).filter((n) => n.role === 'primary' && !n.failed);
    for (const n of nodes) {
      const route = { type: 'routeByAddress' as const, host: n.host, port: n.port };
      let cursor = '0';
      let count = 0;
      do {
        const [next, keys] = (await this.conn.call(
          (c) => c.customCommand(['SCAN', cursor, 'MATCH', `${this.o.prefix}:*`, 'COUNT', '1000'], { route, decoder: Decoder.Bytes }),
          ADMIN_TIMEOUT_MS,
        )) as [Buffer, Buffer[]];
        cursor = next.toString();
        if (keys.length) count += await this.conn.call((c) => c.unlink(keys), ADMIN_TIMEOUT_MS);
      } while (cursor !== '0' && count < CLEAR_MAX_KEYS_PER_NODE);
      byNode[n.address] = count;
      removed += count;
    }
    this.flights.forget(() => true);
    return { removed, byNode };
  }

  async health(): Promise<{ ok: boolean; nodes: HealthNode[] }> {
    if (!this.conn.current) return { ok: false, nodes: [] };
    let list;
    try {
      list = await this.clusterNodes();
    } catch {
      return { ok: false, nodes: [] };
    }
    const nodes = await Promise.all(
      list.map(async (n): Promise<HealthNode> => {
        const t0 = performance.now();
        try {
          await this.conn.call((c) => c.ping({ route: { type: 'routeByAddress', host: n.host, port: n.port } }), ADMIN_TIMEOUT_MS);
          return { address: n.address, role: n.role, ok: !n.failed, latencyMs: performance.now() - t0 };
        } catch {
          return { address: n.address, role: n.role, ok: false, latencyMs: performance.now() - t0 };
        }
      }),
    );
    const primaries = nodes.filter((n) => n.role === 'primary');
    return { ok: primaries.length > 0 && primaries.every((n) => n.ok), nodes };
  }

  private async nodeStats(): Promise<NodeStats[]> {
    const info = (await this.conn.call(
      (c) =>
        c.info({ sections: [InfoOptions.Memory, InfoOptions.Stats, InfoOptions.Keyspace, InfoOptions.Replication], route: 'allNodes' }),
      ADMIN_TIMEOUT_MS,
    )) as string | Record<string, string>;
    const byNode = typeof info === 'string' ? { unknown: info } : info;
    return Object.entries(byNode)
      .map(([address, text]) => parseInfo(address, text))
      .sort((a, b) => a.address.localeCompare(b.address));
  }

  async stats(): Promise<CacheStats> {
    let nodes: NodeStats[] = [];
    if (this.conn.current && this.breaker.state === 'closed') nodes = await this.nodeStats().catch(() => []);
    return {
      ...this.rec.counters,
      breaker: this.breaker.state,
      connected: this.conn.current !== null,
      latencyMs: this.rec.percentiles(),
      nodes,
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.prober) clearInterval(this.prober);
    await this.conn.close();
  }
}

function abortable<T>(p: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return p;
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new CacheAbortError('aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

/**
 * Connects (bounded by connectTimeoutMs) and returns. If Valkey is down it still returns, with the
 * breaker open, and keeps connecting in the background; calls meanwhile go to their loaders.
 */
export async function createCache(options: CacheOptions): Promise<WickCache> {
  const cache = new ValkeyCache(resolveOptions(options));
  const deadline = sleep((options.connectTimeoutMs ?? 500) + 500, undefined, { ref: false });
  await Promise.race([cache.start(), deadline]);
  return cache;
}
