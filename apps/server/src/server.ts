import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import {
  apiKeyFromHeaders,
  apiKeyId,
  appRouter,
  createApiMetrics,
  createContextFactory,
  createLiveHub,
  createServices,
  FAST_PROCEDURES,
  retryHintOf,
  type ApiMetrics,
  type LiveHub,
  type RequestInfo,
} from '@wick/api';
import { createCache, createWarmer, parseNodes, type Warmer, type WickCache } from '@wick/cache';
import { createDatabase, type Database } from '@wick/db';
import { createEngine, type Engine } from '@wick/engine';
import { pino, type Logger } from 'pino';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { createAdmission } from './admission.ts';
import { admissionOptions } from './admission-options.ts';
import type { ServerConfig } from './config.ts';
import { exportRoutes } from './export/route.ts';
import { fastPathFor, VersionTap } from './fast-path/index.ts';
import { retryAfterHeader, sendJson, type Route } from './http.ts';
import { liveProcedureOf, serveLiveStream } from './live-sse.ts';
import { guardSockets, serverOptions, socketLimitsOf } from './socket-limits.ts';
import { webStatic } from './web-static.ts';

export interface RunningServer {
  url: string;
  port: number;
  server: Server;
  database: Database;
  cache: WickCache;
  engine: Engine;
  warmer: Warmer;
  metrics: ApiMetrics;
  /** The live push: SSE streams open here, shared indicator computations, their metrics. */
  live: LiveHub;
  registry: Registry;
  log: Logger;
  /** Stops accepting, lets in-flight requests finish (up to the grace period), closes the pools. */
  close(): Promise<void>;
}

export async function startServer(config: ServerConfig): Promise<RunningServer> {
  const log = pino({ level: config.LOG_LEVEL, base: { service: 'wick' } });
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });

  const database = createDatabase({ url: config.DATABASE_URL });
  // Health's own connection: its ping never queues behind the work pool (a busy DB is degraded, not down).
  const healthProbe = createDatabase({
    url: config.DATABASE_URL,
    connectionLimit: 1,
    queueLimit: 1,
    connectTimeoutMs: 1000,
    queryTimeoutMs: 1000,
  });
  const [cache, engine] = await Promise.all([
    createCache({
      nodes: parseNodes(config.VALKEY_NODES),
      prefix: config.CACHE_PREFIX,
      requestTimeoutMs: config.CACHE_TIMEOUT_MS,
      // A caller waiting on another's computation gives up no sooner than its own budget would.
      lockWaitMs: config.BUDGET_MS,
      env: { WICK_CACHE_TTL: config.WICK_CACHE_TTL },
      registry,
      logger: log,
    }),
    Promise.resolve(createEngine()),
  ]);
  const metrics = createApiMetrics(registry, { engine, database });
  const apiConfig = {
    readKeys: config.API_KEYS,
    ingestKeys: config.INGEST_API_KEYS,
    adminKeys: config.ADMIN_API_KEYS,
    rateLimit: { limit: config.RATE_LIMIT, windowMs: config.RATE_LIMIT_WINDOW_MS },
    slowMs: config.SLOW_MS,
    budgetMs: config.BUDGET_MS,
    cursorSecret: config.CURSOR_SECRET,
  };
  // The fast path watches the cache reads behind the answers it stores (fast-path/version-tap.ts).
  const tap = new VersionTap();
  const servicesCache = config.FAST_PATH ? tap.wrap(cache) : cache;
  const services = createServices({
    database,
    cache: servicesCache,
    engine,
    metrics,
    budgetMs: config.BUDGET_MS,
    cursorSecret: config.CURSOR_SECRET,
    appendAware: config.APPEND_AWARE,
  });
  const warmer = createWarmer(
    cache,
    config.WARM.map((w) => services.indicators.warmJob({ ...w, params: {}, limit: 500 })),
    { logger: log },
  );
  warmer.start();
  services.health.useProbe(healthProbe);
  const live = createLiveHub({
    source: cache,
    services,
    registry,
    log,
    config: { maxStreamsPerClient: config.LIVE_MAX_STREAMS_PER_CLIENT, queueLimit: config.LIVE_QUEUE_LIMIT },
  });
  const contextFor = createContextFactory({ services, config: apiConfig, log, metrics, live });

  // Rate-limit checks the fast path charged before handing a request to tRPC (RequestInfo.prepaid).
  const prepaid = new WeakMap<IncomingMessage, { calls: number }>();
  const requestInfo = (req: IncomingMessage): RequestInfo => {
    const apiKey = apiKeyFromHeaders(req.headers);
    const paid = prepaid.get(req);
    return {
      ip: req.socket.remoteAddress ?? 'unknown',
      apiKey,
      apiKeyId: apiKey ? apiKeyId(apiKey) : null,
      ...(paid && { prepaid: paid }),
    };
  };
  const prepay = (req: IncomingMessage, calls: number) => prepaid.set(req, { calls });

  // Bus mode: a near-cache member, so L1 hits use local versions (the join waits for Valkey at most one connect).
  if (config.FAST_PATH && config.FAST_PATH_L1 && config.FAST_PATH_L1_FRESHNESS === 'bus')
    await cache.nearCache.join({ leaseMs: config.FAST_PATH_L1_LEASE_MS });
  const fastPath = fastPathFor(config, FAST_PROCEDURES, { cache, tap, services, apiConfig, requestInfo, prepay, metrics, log, registry });

  const trpc = createHTTPHandler({
    router: appRouter,
    basePath: '/trpc/',
    // A body without a length (chunked) is cut at the same limit as one that declares it (socket-limits.ts).
    maxBodySize: config.HTTP_MAX_BODY_BYTES,
    createContext: ({ req }) => contextFor(requestInfo(req)),
    responseMeta({ errors }) {
      // Every refusal that says when to come back (rate limit; engine queue full or closing) carries Retry-After.
      return { headers: retryAfterHeader(Math.max(0, ...errors.map((e) => retryHintOf(e)?.retryAfterMs ?? 0))) };
    },
    onError({ error, path }) {
      if (error.code === 'INTERNAL_SERVER_ERROR') log.error({ err: error.cause ?? error, path }, 'unhandled procedure error');
    },
  });

  const routes: Record<string, Route> = {
    '/metrics': async (_req, res) => {
      const body = await registry.metrics();
      res.writeHead(200, { 'content-type': registry.contentType });
      res.end(body);
    },
    '/health': async (_req, res) => {
      const report = await services.health.check();
      sendJson(res, report.ok ? 200 : 503, report);
    },
    ...exportRoutes({ services, config: apiConfig, requestInfo, log, metrics }),
  };

  // The dashboard's built files at / (apps/web's dist), when they exist; everything else is a JSON 404.
  const web = webStatic(config.WEB_DIST ? { root: config.WEB_DIST } : {});
  const serveWebOr404 = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const served = (req.method === 'GET' || req.method === 'HEAD') && (await web.handle(req, res, url).catch(() => false));
    if (!served) sendJson(res, 404, { error: `No route ${req.method} ${url.pathname}; tRPC lives under /trpc/` });
  };

  const inFlight = new Set<ServerResponse>();
  // Past capacity, work-lane requests are shed on arrival (503 + Retry-After), never queued.
  const admission = createAdmission(admissionOptions(config), registry, log);
  // Bounded sockets, header and body sizes, and time to send a request (socket-limits.ts).
  const limits = socketLimitsOf(config);
  const server = createServer(serverOptions(limits), (req, res) => {
    if (!sockets.admitBody(req)) return;
    inFlight.add(res);
    const url = new URL(req.url ?? '/', 'http://wick.local');
    const release = admission.admit(req, res, url);
    // One close listener per request for the server's own bookkeeping (Node warns past ten per response).
    res.once('close', () => {
      inFlight.delete(res);
      if (release) release();
    });
    if (!release) return;
    const liveProcedure = liveProcedureOf(req.method, url.pathname);
    if (liveProcedure) {
      serveLiveStream(req, res, url, liveProcedure, contextFor(requestInfo(req)), log).catch((err: unknown) => {
        log.error({ err, path: liveProcedure }, 'live stream failed');
        res.destroy();
      });
      return;
    }
    if (url.pathname.startsWith('/trpc/')) return fastPath.serve(req, res, url, () => void trpc(req, res));
    const route = req.method === 'GET' ? routes[url.pathname] : undefined;
    if (!route) return void serveWebOr404(req, res, url);
    Promise.resolve(route(req, res, url)).catch((err: unknown) => {
      log.error({ err, path: url.pathname }, 'route failed');
      if (!res.headersSent) sendJson(res, 500, { error: 'Internal error; it has been logged.' });
      else res.destroy();
    });
  });
  const sockets = guardSockets(server, limits, registry);
  server.keepAliveTimeout = 5000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.PORT, config.HOST, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${config.HOST}:${port}`;

  let closing: Promise<void> | null = null;
  const close = () =>
    (closing ??= (async () => {
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      // SSE streams never finish by themselves: end them first (clients reconnect elsewhere and resume).
      await live.close();
      const deadline = Date.now() + config.SHUTDOWN_GRACE_MS;
      while (inFlight.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
      server.closeAllConnections();
      await stopped;
      warmer.stop();
      await Promise.allSettled([engine.close(), cache.close(), database.close(), healthProbe.close()]);
    })());

  return { url, port, server, database, cache, engine, warmer, metrics, live, registry, log, close };
}
