import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import {
  enforceRateLimit,
  RateLimitedError,
  type ApiConfig,
  type ApiMetrics,
  type FastProcedure,
  type RequestInfo,
  type Services,
} from '@wick/api';
import type { CacheVersion, WickCache } from '@wick/cache';
import { LRUCache } from 'lru-cache';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { canonicalJson } from './canonical.ts';
import { captureResponse, type Captured } from './capture.ts';
import { assemble, cutSlots, makeEntry, type Entry } from './entry.ts';
import { acceptsGzip, cacheControl, etagOf, notModified, vary } from './http-cache.ts';
import type { L1 } from './l1.ts';
import { createFastPathMetrics } from './metrics.ts';
import { matchRequest, type MatchedRequest } from './request-match.ts';
import { VersionReads } from './version-reads.ts';
import { sourceId, versionText, type VersionSource } from './version.ts';
import type { VersionTap } from './version-tap.ts';

export interface FastPathDeps {
  /** The cache (readVersion, readNamespaceVersion, ttlFor, nearCache). */
  cache: WickCache;
  /** Observes the services' cache reads during a miss (the services must use tap.wrap(cache)). */
  tap: VersionTap;
  services: Services;
  apiConfig: ApiConfig;
  requestInfo: (req: IncomingMessage) => RequestInfo;
  /** Records that `calls` rate-limit checks of `req` are paid: requestInfo(req) then carries them to tRPC. */
  prepay: (req: IncomingMessage, calls: number) => void;
  metrics: ApiMetrics;
  log: Logger;
  registry: Registry;
  /** Stored answers; null = nothing is kept, every request goes to tRPC. */
  l1: L1 | null;
  procedures: ReadonlyMap<string, FastProcedure>;
  /**
   * How an L1 hit learns the current versions of its series and namespaces: `read` asks Valkey on
   * every hit (coalesced per event-loop turn); `bus` uses this process's near-cache map while it is
   * in good standing (the cache's nearCache, joined by the server), Valkey otherwise.
   */
  freshness: L1Freshness;
}

export type L1Freshness = 'read' | 'bus';

export interface FastPath {
  /** Answers a /trpc/ request from stored bytes, or hands it to `trpc` (capturing the answer to store it). */
  serve(req: IncomingMessage, res: ServerResponse, url: URL, trpc: () => void): void;
}

interface Planned {
  procedure: FastProcedure;
  input: unknown;
  /** What the answer's version is read from: its series, then its namespaces. */
  sources: VersionSource[];
  /** The sources' fast-path ids (in keys), and their near-cache version ids (parsed once per URL). */
  ids: string[];
  nearIds: string[];
  /** `path\ncanonical input\n`: the key without its versions. */
  stem: string;
  key: string;
}

const STATIC_VERSION = `build:${process.pid}:${Date.now()}`;

export function createFastPath(deps: FastPathDeps): FastPath {
  const counts = createFastPathMetrics(deps.registry);
  const rateLimited = deps.apiConfig.rateLimit.limit > 0;
  const reads = new VersionReads((source) =>
    source.kind === 'series' ? deps.cache.readVersion(source.series) : deps.cache.readNamespaceVersion(source.namespace),
  );
  const near = deps.freshness === 'bus' ? deps.cache.nearCache : null;

  /** Parses every call with the router's schema and names its stored answer; null: tRPC must answer (e.g. invalid input). */
  function plan(match: MatchedRequest): Omit<Planned, 'key'>[] | null {
    const out: Omit<Planned, 'key'>[] = [];
    for (const call of match.calls) {
      const schema = call.procedure.input;
      let input: unknown;
      if (schema) {
        const parsed = schema.safeParse(call.raw);
        if (!parsed.success) return null;
        input = parsed.data;
      }
      const sources: VersionSource[] = [
        ...call.procedure.series(input).map((series): VersionSource => ({ kind: 'series', series })),
        ...call.procedure.namespaces(input).map((namespace): VersionSource => ({ kind: 'namespace', namespace })),
      ];
      out.push({
        procedure: call.procedure,
        input,
        sources,
        ids: sources.map(sourceId),
        nearIds: near
          ? sources.map((s) => (s.kind === 'series' ? near.versionIdOf(s.series) : near.namespaceVersionIdOf(s.namespace)))
          : [],
        stem: `${call.procedure.path}\n${canonicalJson(input)}\n`,
      });
    }
    return out;
  }

  /** Bus mode in good standing, every version in the local map: no Valkey round trip (null: read them). */
  function localVersions(calls: Omit<Planned, 'key'>[]): Map<string, CacheVersion> | null {
    if (!near?.inStanding()) return null;
    const versions = new Map<string, CacheVersion>();
    for (const c of calls) {
      for (let i = 0; i < c.ids.length; i++) {
        const v = near.version(c.nearIds[i]!);
        if (!v) return null;
        versions.set(c.ids[i]!, v);
      }
    }
    return versions;
  }

  /** After an await in bus mode: the versions a hit was keyed by are still the local ones (no announcement since). */
  function stillCurrent(calls: Omit<Planned, 'key'>[], versions: Map<string, CacheVersion>): boolean {
    if (!near) return true;
    const now = localVersions(calls);
    if (!now) return false;
    for (const [id, v] of versions) if (now.get(id) !== v) return false;
    return true;
  }

  async function versionsOf(calls: Omit<Planned, 'key'>[]): Promise<Map<string, CacheVersion> | null> {
    const distinct = new Map<string, { source: VersionSource; nearId: string | undefined }>();
    for (const c of calls)
      for (let i = 0; i < c.sources.length; i++) distinct.set(c.ids[i]!, { source: c.sources[i]!, nearId: c.nearIds[i] });
    const ids = [...distinct.keys()];
    const read = await Promise.all(
      ids.map(async (id) => {
        const { source, nearId } = distinct.get(id)!;
        if (!near || nearId === undefined) return reads.read(id, source);
        // Taken before the read: if an announcement of the id overtakes it, the read is not kept.
        const ticket = near.ticket(nearId);
        const v = await reads.read(id, source);
        if (v) near.remember(nearId, v, ticket);
        return v;
      }),
    );
    const versions = new Map<string, CacheVersion>();
    for (let i = 0; i < ids.length; i++) {
      if (!read[i]) return null;
      versions.set(ids[i]!, read[i]!);
    }
    return versions;
  }

  function cacheableNow(calls: Omit<Planned, 'key'>[]): boolean {
    const now = Date.now();
    for (const c of calls) if (!c.procedure.cacheableAt(c.input, now)) return false;
    return true;
  }

  const keyOf = (c: Omit<Planned, 'key'>, versions: Map<string, CacheVersion>): string => {
    if (c.ids.length === 0) return c.stem + STATIC_VERSION;
    let v = '';
    for (let i = 0; i < c.ids.length; i++) v += `${i > 0 ? ' ' : ''}${c.ids[i]}@${versionText(versions.get(c.ids[i]!)!)}`;
    return c.stem + v;
  };

  async function allowedByRateLimit(req: IncomingMessage, calls: number): Promise<boolean> {
    if (!rateLimited) return true;
    const request = deps.requestInfo(req);
    // tRPC checks once per call; a denied check counts nothing, so tRPC's own check (on fall-through) answers the same.
    const verdicts = await Promise.allSettled(
      Array.from({ length: calls }, () => enforceRateLimit(deps.services, deps.apiConfig, request)),
    );
    for (const v of verdicts) if (v.status === 'rejected' && !(v.reason instanceof RateLimitedError)) throw v.reason;
    return verdicts.every((v) => v.status === 'fulfilled');
  }

  function answer(
    req: IncomingMessage,
    res: ServerResponse,
    match: MatchedRequest,
    calls: Planned[],
    entries: Entry[],
    started: number,
  ): void {
    const now = Date.now();
    const etag = entries.length === 1 && !match.batch ? entries[0]!.etag : etagOf(entries.map((e) => e.tag));
    const headers: OutgoingHttpHeaders = {
      'content-type': 'application/json',
      vary: vary(rateLimited),
      etag,
      'cache-control': cacheControl(rateLimited),
    };
    let slots = 0;
    for (const e of entries) slots += e.storedAt.length;
    if (notModified(req.headers, etag)) {
      res.writeHead(304, headers);
      res.end();
      counts.count('not_modified');
    } else {
      const body = assemble(entries, match.batch, now, acceptsGzip(req.headers));
      const pieces = body.gzip ?? body.raw;
      if (body.gzip) headers['content-encoding'] = 'gzip';
      let length = 0;
      for (const p of pieces) length += p.length;
      headers['content-length'] = length;
      res.writeHead(200, headers);
      res.cork();
      for (const p of pieces) res.write(p);
      res.end();
      counts.count('hit');
    }
    // What tRPC's middleware records for each call: duration, outcome, the cache lookups, a slow call.
    const durationMs = performance.now() - started;
    if (slots > 0) deps.metrics.countCacheOutcomes({ hit: slots, miss: 0, stale: 0, bypass: 0 });
    for (const c of calls) {
      deps.metrics.observeRequest(c.procedure.path, 'ok', durationMs);
      if (durationMs > deps.apiConfig.slowMs) {
        deps.log.warn(
          {
            path: c.procedure.path,
            type: 'query',
            durationMs: Math.round(durationMs),
            cache: { hit: slots, miss: 0, stale: 0, bypass: 0 },
            fastPath: true,
          },
          'slow call',
        );
      }
    }
  }

  /** Keeps tRPC's answer if it is a 200 of every call, read at (or after) the versions read before it ran. */
  function store(captured: Captured | null, clean: boolean, match: MatchedRequest, calls: Planned[], l1: L1): boolean {
    if (!captured || !clean || captured.status !== 200) return false;
    let items: Buffer[];
    if (match.batch) {
      const text = captured.body.toString('utf8');
      const parsed = JSON.parse(text) as unknown;
      if (!Array.isArray(parsed) || parsed.length !== calls.length) return false;
      const parts = parsed.map((p) => JSON.stringify(p));
      // Only if the items re-serialize to exactly the bytes tRPC wrote: then they can be reassembled.
      if (`[${parts.join(',')}]` !== text) return false;
      items = parts.map((p) => Buffer.from(p, 'utf8'));
    } else {
      items = [captured.body];
    }
    const now = Date.now();
    const entries: [string, Entry][] = [];
    for (let i = 0; i < calls.length; i++) {
      const call = calls[i]!;
      const item = JSON.parse(items[i]!.toString('utf8')) as { result?: { data?: { json?: unknown } } };
      const data = item.result?.data?.json;
      if (data === undefined) return false;
      const cut = cutSlots(items[i]!);
      if (!cut || cut.statuses.length !== call.procedure.cacheFields(data)) return false;
      if (cut.statuses.some((s) => s !== 'hit' && s !== 'miss')) return false;
      const storedAt = cut.ages.map((age) => now - age);
      const expiresAt = call.procedure.expiresAt(call.input, data, Math.min(now, ...storedAt), deps.cache);
      if (expiresAt === null || expiresAt <= now) return false;
      entries.push([call.key, makeEntry(cut, storedAt, expiresAt, call.key, etagOf([call.key]))]);
    }
    for (const [key, entry] of entries) l1.set(key, entry);
    return true;
  }

  /**
   * What a URL asks for, parsed once: the match and its calls through the schemas are pure functions
   * of the URL, so a hit skips JSON.parse, zod and the canonical key (bounded by URL bytes).
   */
  const parsedUrls = new LRUCache<string, { match: MatchedRequest | null; planned: Omit<Planned, 'key'>[] | null }>({
    maxSize: 8 * 1024 * 1024,
    sizeCalculation: (_v, k) => k.length + 256,
  });
  function parse(req: IncomingMessage, url: URL): { match: MatchedRequest | null; planned: Omit<Planned, 'key'>[] | null } {
    const id = req.url ?? '';
    let parsed = parsedUrls.get(id);
    if (!parsed) {
      const match = matchRequest(req, url, deps.procedures);
      parsed = { match, planned: match ? plan(match) : null };
      parsedUrls.set(id, parsed);
    }
    return parsed;
  }

  async function run(
    req: IncomingMessage,
    res: ServerResponse,
    match: MatchedRequest,
    planned: Omit<Planned, 'key'>[] | null,
    dispatch: () => void,
  ): Promise<void> {
    const started = performance.now();
    const l1 = deps.l1;
    // Not cacheable now (a summary whose range has not settled): not looked up, nothing stored.
    if (!l1 || !planned || !cacheableNow(planned)) {
      counts.count('pass');
      return dispatch();
    }
    const local = localVersions(planned);
    const versions = local ?? (await versionsOf(planned));
    if (!versions) {
      counts.count('pass');
      return dispatch();
    }
    const calls: Planned[] = planned.map((c) => ({ ...c, key: keyOf(c, versions) }));
    const now = Date.now();
    const entries: Entry[] = [];
    for (const c of calls) {
      const e = l1.get(c.key);
      if (!e || e.expiresAt <= now) break;
      entries.push(e);
    }
    if (entries.length === calls.length) {
      if (!rateLimited) return answer(req, res, match, calls, entries, started);
      // An announcement may land while the limit is checked: a bus-mode hit is re-checked after it.
      if (!(await allowedByRateLimit(req, calls.length))) {
        counts.count('pass');
        return dispatch();
      }
      if (!local || stillCurrent(planned, local)) return answer(req, res, match, calls, entries, started);
      // Charged, but no longer current: tRPC answers, without charging the calls a second time.
      deps.prepay(req, calls.length);
      counts.count('pass');
      return dispatch();
    }
    // A miss (or a batch with one): tRPC answers, and its answer is kept if it is clean.
    counts.count('miss');
    // Generation '0' is "none yet", which comes back after a clear or a lost node: never a key.
    if ([...versions.values()].some((v) => v.gen === '0')) return dispatch();
    const watch = deps.tap.watch(versions);
    const captured = captureResponse(res);
    try {
      dispatch();
    } finally {
      void captured.then((c) => {
        const clean = watch.done();
        try {
          if (store(c, clean, match, calls, l1)) counts.count('stored');
        } catch (err) {
          deps.log.warn({ err }, 'fast path: could not store an answer');
        }
      });
    }
  }

  return {
    serve(req, res, url, trpc) {
      if (req.method !== 'GET' || req.headers['trpc-accept'] !== undefined) return trpc();
      const { match, planned } = parse(req, url);
      if (!match) return trpc();
      let dispatched = false;
      const dispatch = () => {
        dispatched = true;
        trpc();
      };
      run(req, res, match, planned, dispatch).catch((err: unknown) => {
        deps.log.error({ err, path: url.pathname }, 'fast path failed');
        if (!dispatched && !res.headersSent) dispatch();
        else if (!res.writableEnded) res.destroy();
      });
    },
  };
}
