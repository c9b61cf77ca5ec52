// Shared by every router test: a fresh database, a private key prefix on the real Valkey cluster,
// a real engine, and callers that go through the whole middleware stack (timing, rate limit, auth).
import { getTRPCErrorShape, TRPCError } from '@trpc/server';
import { createCache, parseNodes, type CacheOptions, type WickCache } from '@wick/cache';
import { createTestDatabase, ensureSymbols, schema, upsertCandles, urlForDatabase, type CandleInput, type TestDatabase } from '@wick/db';
import { createEngine, type Engine } from '@wick/engine';
import type { CandleColumns, Side } from '@wick/market';
import { randomWalk } from '@wick/testkit';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import {
  apiKeyId,
  appRouter,
  createApiMetrics,
  createCallerFactory,
  createContextFactory,
  createServices,
  type ApiConfig,
  type ApiMetrics,
  type Context,
  type Services,
} from '../../src/index.ts';

export const READ_KEY = 'test-read-key';
export const INGEST_KEY = 'test-ingest-key';
export const ADMIN_KEY = 'test-admin-key';
export const SYMBOLS = ['BTCUSDT', 'ETHUSDT'] as const;
export type FixtureSymbol = (typeof SYMBOLS)[number];
/** 1m candles per fixture symbol, from the walk's start (2024-01-01T00:00Z). */
export const FIXTURE_CANDLES = 1200;

export const VALKEY_NODES = process.env.VALKEY_NODES ?? '127.0.0.1:7000,127.0.0.1:7001,127.0.0.1:7002';

const createCaller = createCallerFactory(appRouter);
export type Caller = ReturnType<typeof createCaller>;

export interface CallerOptions {
  apiKey?: string;
  ip?: string;
  config?: Partial<ApiConfig>;
  /** Rate-limit checks already paid for (RequestInfo.prepaid), shared by this caller's calls. */
  prepaid?: { calls: number };
}

export interface LiquidationFixture {
  id: number;
  symbol: FixtureSymbol;
  side: Side;
  /** Exact decimals, as stored: 2 decimals of price, 3 of quantity, so USD is exact too. */
  price: string;
  quantity: string;
  orderTradeTime: number;
}

export interface HarnessOptions {
  /** Advance cached results from the series head (default true), as ServiceDeps.appendAware. */
  appendAware?: boolean;
  /** TTL table overrides of this harness's cache. */
  ttl?: CacheOptions['ttl'];
}

export interface ApiHarness {
  /** The database's name and URL (a second process connects to the same one). */
  databaseUrl: string;
  /** The cache key prefix (a second process shares this namespace). */
  cachePrefix: string;
  database: TestDatabase;
  cache: WickCache;
  engine: Engine;
  metrics: ApiMetrics;
  services: Services;
  /** The 1m candles stored per symbol, exactly as inserted. */
  candles: Record<FixtureSymbol, CandleColumns>;
  /** A fresh caller (and so a fresh context, with its own cache outcomes) per request. */
  caller(options?: CallerOptions): Caller;
  /** The context the last caller was built with (its cacheOutcomes fill as its calls run). */
  lastContext(): Context;
  insertLiquidations(rows: LiquidationFixture[]): Promise<void>;
  close(): Promise<void>;
}

const BASE_CONFIG: ApiConfig = {
  readKeys: [READ_KEY],
  ingestKeys: [INGEST_KEY],
  adminKeys: [ADMIN_KEY],
  rateLimit: { limit: 0, windowMs: 60_000 },
  // Tests check what happens, not how fast: nothing is slow, no budget runs out on a loaded box.
  slowMs: 600_000,
  budgetMs: 30_000,
  cursorSecret: 'api-test-cursor-secret',
};

/** Candles as the ingest APIs take them. */
export function candleInputs(c: CandleColumns, from = 0, to = c.time.length): CandleInput[] {
  const out: CandleInput[] = [];
  for (let i = from; i < to; i++) {
    out.push({ time: c.time[i]!, open: c.open[i]!, high: c.high[i]!, low: c.low[i]!, close: c.close[i]!, volume: c.volume[i]! });
  }
  return out;
}

/** Columns i..j of a candle set as plain arrays (the wire form of candles.range). */
export function candleArrays(c: CandleColumns, from: number, to: number) {
  const slice = (a: Float64Array) => Array.from(a.subarray(from, to));
  return {
    time: slice(c.time),
    open: slice(c.open),
    high: slice(c.high),
    low: slice(c.low),
    close: slice(c.close),
    volume: slice(c.volume),
  };
}

/** Runs `call`, which must fail, and returns its TRPCError. */
export async function trpcError(call: Promise<unknown>): Promise<TRPCError> {
  const err = await call.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(err instanceof TRPCError)) throw new Error(`expected a TRPCError, got ${err === null ? 'success' : String(err)}`);
  return err;
}

/** The error as a client receives it: the router's own error formatter applied, as the HTTP adapters do. */
export function wireError(error: TRPCError, path: string) {
  return getTRPCErrorShape({ config: appRouter._def._config, error, type: 'query', path, input: undefined, ctx: undefined });
}

/** `name` names the test file: its database is wick_test_api_<name>, its keys live under t_api_<name>. */
export async function startApiHarness(name: string, options: HarnessOptions = {}): Promise<ApiHarness> {
  const databaseName = `wick_test_api_${name}`;
  const database = await createTestDatabase(databaseName);
  const symbolIds = await ensureSymbols(
    database,
    SYMBOLS.map((s) => ({ name: s, base: s.replace('USDT', ''), quote: 'USDT' })),
  );
  const candles = {} as Record<FixtureSymbol, CandleColumns>;
  for (const [i, symbol] of SYMBOLS.entries()) {
    // Cents and milli-units survive the DECIMAL columns exactly, so reads compare with toEqual.
    candles[symbol] = randomWalk(FIXTURE_CANDLES, { seed: i + 1, startPrice: 100 * (i + 1), priceDecimals: 2, volumeDecimals: 3 });
    await upsertCandles(database, symbol, '1m', candleInputs(candles[symbol]));
  }

  const log = pino({ level: 'silent' });
  const cachePrefix = `t_api_${name}`.slice(0, 32);
  const cache = await createCache({
    nodes: parseNodes(VALKEY_NODES),
    prefix: cachePrefix,
    // A loaded CI box must not trip the breaker: tests check what is cached, not how fast.
    requestTimeoutMs: 2000,
    logger: log,
    ...(options.ttl ? { ttl: options.ttl } : {}),
  });
  // Each run starts from an empty namespace (earlier runs' entries and rate-limit windows).
  await cache.clear();
  const engine = createEngine({ threads: 1 });
  const metrics = createApiMetrics(new Registry(), { engine, database });
  const services = createServices({
    database,
    cache,
    engine,
    metrics,
    budgetMs: BASE_CONFIG.budgetMs,
    cursorSecret: BASE_CONFIG.cursorSecret,
    appendAware: options.appendAware ?? true,
  });

  let last: Context | null = null;
  return {
    databaseUrl: urlForDatabase(databaseName),
    cachePrefix,
    database,
    cache,
    engine,
    metrics,
    services,
    candles,
    caller(options = {}) {
      const contextFor = createContextFactory({ services, config: { ...BASE_CONFIG, ...options.config }, log, metrics });
      const apiKey = options.apiKey ?? null;
      last = contextFor({
        ip: options.ip ?? '127.0.0.1',
        apiKey,
        apiKeyId: apiKey === null ? null : apiKeyId(apiKey),
        ...(options.prepaid && { prepaid: options.prepaid }),
      });
      return createCaller(last);
    },
    lastContext() {
      if (last === null) throw new Error('no caller built yet');
      return last;
    },
    async insertLiquidations(rows) {
      await database.db.insert(schema.liquidationOrders).values(
        rows.map((r) => ({
          id: r.id,
          symbolId: symbolIds.get(r.symbol)!,
          side: r.side,
          orderType: 'LIMIT',
          timeInForce: 'IOC',
          originalQuantity: r.quantity,
          price: r.price,
          averagePrice: r.price,
          orderStatus: 'FILLED',
          lastFillQuantity: r.quantity,
          accumulatedFillQuantity: r.quantity,
          orderTradeTime: r.orderTradeTime,
        })),
      );
    },
    async close() {
      await engine.close();
      await cache.close();
      await database.drop();
    },
  };
}
