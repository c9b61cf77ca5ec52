// Every retryable failure says why in `data.reason` (and, when the server knows it, when to retry in
// `data.retryAfterMs`), through a real server on real MariaDB and Valkey: the rate limit, admission's
// shed, MySQL cut (TcpProxy) and a MySQL that accepts connections but never answers (a budget
// timeout). tRPC codes are as before. Counts, codes and fields only, never time.
import { createServer, type Server, type Socket } from 'node:net';
import { TRPCClientError } from '@trpc/client';
import type { AppRouter } from '@wick/api';
import { loadConfig, startServer, type RunningServer } from '@wick/server';
import superjson from 'superjson';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { MINUTE, serverEnv, startWick, T0, TcpProxy, testClient, type Wick } from '@wick/server/testing';

type ErrorData = NonNullable<TRPCClientError<AppRouter>['data']>;

interface Failure {
  status: number;
  retryAfter: string | null;
  code: string | undefined;
  reason: string | undefined;
  retryAfterMs: number | undefined;
}

async function call(base: string, path: string, input: unknown): Promise<Failure | 'ok'> {
  const res = await fetch(`${base}/trpc/${path}?input=${encodeURIComponent(JSON.stringify(superjson.serialize(input)))}`);
  const body = (await res.json()) as { error?: Parameters<typeof superjson.deserialize>[0] };
  if (res.status === 200) return 'ok';
  // As a client reads it: superjson turns the wire's nulls for absent fields back into undefined.
  const data = body.error ? superjson.deserialize<{ data?: Partial<ErrorData> }>(body.error).data : undefined;
  return {
    status: res.status,
    retryAfter: res.headers.get('retry-after'),
    code: data?.code,
    reason: data?.reason,
    retryAfterMs: data?.retryAfterMs,
  };
}

/** A liquidation export (plain HTTP): its refusal carries the same fields in `error`. */
async function exportCall(base: string, query = ''): Promise<Failure | 'ok'> {
  const res = await fetch(`${base}/export/liquidations.ndjson${query ? `?${query}` : ''}`);
  const text = await res.text();
  if (res.status === 200) return 'ok';
  const { error } = JSON.parse(text) as { error: { code?: string; reason?: string; retryAfterMs?: number } };
  return {
    status: res.status,
    retryAfter: res.headers.get('retry-after'),
    code: error.code,
    reason: error.reason,
    retryAfterMs: error.retryAfterMs,
  };
}

let salt = 0;
const cold = (extra: Record<string, unknown> = {}) => ({
  symbol: 'BTCUSDT',
  interval: '1m',
  indicator: 'bbands',
  params: { period: 20, stdDev: 2 + ++salt * 1e-6 + Math.random() * 1e-3 },
  limit: 1000,
  to: T0 - MINUTE,
  ...extra,
});

/** A "MySQL" that takes connections and never says a word: every query waits (until the budget). */
class SilentDatabase {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  port = 0;
  async start(): Promise<this> {
    const server = createServer((socket) => {
      this.sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    this.port = (server.address() as { port: number }).port;
    return this;
  }
  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

describe('retryable errors carry data.reason and data.retryAfterMs', () => {
  let wick: Wick;
  const servers: RunningServer[] = [];
  let proxy: TcpProxy;
  let silent: SilentDatabase;
  const start = async (env: Record<string, string>) => {
    const server = await startServer(loadConfig(env));
    servers.push(server);
    return server;
  };

  beforeAll(async () => {
    wick = await startWick('robust_reasons');
    const target = new URL(wick.env.DATABASE_URL!);
    proxy = await new TcpProxy({ host: target.hostname, port: Number(target.port || 3306) }).start();
    silent = await new SilentDatabase().start();
  });
  afterAll(async () => {
    for (const s of servers) await s.close();
    await proxy?.cut();
    await silent?.stop();
    await wick?.close();
  });

  it('types the two fields for clients (the TRPCClientError @wick/client hands out)', () => {
    expectTypeOf<ErrorData['reason']>().toEqualTypeOf<
      'rate_limited' | 'overloaded' | 'db_unavailable' | 'cache_unavailable' | 'timeout' | 'shutting_down' | undefined
    >();
    expectTypeOf<ErrorData['retryAfterMs']>().toEqualTypeOf<number | undefined>();
  });

  it('rate limit: TOO_MANY_REQUESTS, reason rate_limited, retryAfterMs within the window (and Retry-After)', async () => {
    const limited = await start({
      ...wick.env,
      RATE_LIMIT: '2',
      RATE_LIMIT_WINDOW_MS: '60000',
      CACHE_PREFIX: `t_robust_rl_${process.pid}`,
    });
    const input = { symbol: 'BTCUSDT', interval: '1m', limit: 5 };
    expect(await call(limited.url, 'candles.range', input)).toBe('ok');
    expect(await call(limited.url, 'candles.range', input)).toBe('ok');
    const refused = await call(limited.url, 'candles.range', input);
    expect(refused).toMatchObject({ status: 429, code: 'TOO_MANY_REQUESTS', reason: 'rate_limited' });
    const { retryAfterMs, retryAfter } = refused as Failure;
    expect(retryAfterMs).toBeGreaterThan(0);
    expect(retryAfterMs).toBeLessThanOrEqual(60_000);
    expect(Number(retryAfter)).toBe(Math.ceil(retryAfterMs! / 1000));
    // The typed client sees the same fields.
    const err = await testClient({ url: limited.url })
      .candles.range.query(input as { symbol: string; interval: '1m'; limit: number })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TRPCClientError);
    expect((err as TRPCClientError<AppRouter>).data).toMatchObject({ code: 'TOO_MANY_REQUESTS', reason: 'rate_limited' });
    // An export is charged against the same limit and says the same.
    const exportRefused = await exportCall(limited.url);
    expect(exportRefused).toMatchObject({ status: 429, code: 'TOO_MANY_REQUESTS', reason: 'rate_limited' });
    expect(Number((exportRefused as Failure).retryAfter)).toBe(Math.ceil((exportRefused as Failure).retryAfterMs! / 1000));
  });

  it('admission shed: SERVICE_UNAVAILABLE, reason overloaded, retryAfterMs = Retry-After', async () => {
    const tight = await start({ ...wick.env, ADMISSION_MAX_IN_FLIGHT: '1', ADMISSION_RETRY_AFTER_S: '2' });
    const shed: Failure[] = [];
    const shedExports: Failure[] = [];
    // Up to three bursts of distinct cold computations and exports past a cap of one: a box that
    // happened to serialize them cannot make this pass vacuously.
    for (let burst = 0; burst < 3 && (shed.length === 0 || shedExports.length === 0); burst++) {
      const [answers, exports] = await Promise.all([
        Promise.all(Array.from({ length: 30 }, () => call(tight.url, 'indicators.compute', cold()))),
        // Distinct queries: identical ones would join each other past the cap.
        Promise.all(Array.from({ length: 10 }, (_, i) => exportCall(tight.url, `minUsd=${burst * 10 + i}`))),
      ]);
      expect([...answers, ...exports].filter((a) => a !== 'ok' && a.status !== 503)).toEqual([]);
      shed.push(...answers.filter((a): a is Failure => a !== 'ok'));
      shedExports.push(...exports.filter((a): a is Failure => a !== 'ok'));
    }
    expect(shed.length).toBeGreaterThan(0);
    expect(shedExports.length).toBeGreaterThan(0);
    for (const a of [...shed, ...shedExports])
      expect(a).toEqual({ status: 503, retryAfter: '2', code: 'SERVICE_UNAVAILABLE', reason: 'overloaded', retryAfterMs: 2000 });
  });

  it('MySQL cut: SERVICE_UNAVAILABLE, reason db_unavailable, no retry time; batch items say the same', async () => {
    const target = new URL(wick.env.DATABASE_URL!);
    target.host = `127.0.0.1:${proxy.port}`;
    const cut = await start(serverEnv('robust_reasons_cut', target.toString()));
    expect(await call(cut.url, 'indicators.compute', cold())).toBe('ok');
    await proxy.cut();
    // Another candle window than the one just cached: this read must reach MySQL.
    expect(await call(cut.url, 'indicators.compute', cold({ limit: 900 }))).toEqual({
      status: 503,
      retryAfter: null,
      code: 'SERVICE_UNAVAILABLE',
      reason: 'db_unavailable',
      retryAfterMs: undefined,
    });
    expect(await exportCall(cut.url)).toEqual({
      status: 503,
      retryAfter: null,
      code: 'SERVICE_UNAVAILABLE',
      reason: 'db_unavailable',
      retryAfterMs: undefined,
    });
    const { items } = await testClient({ url: cut.url }).indicators.batch.query({
      items: [cold({ limit: 901 }), cold({ limit: 902 })] as Parameters<
        ReturnType<typeof testClient>['indicators']['batch']['query']
      >[0]['items'],
    });
    expect(items.map((i) => (i.ok ? 'ok' : [i.error.code, i.error.reason]))).toEqual([
      ['SERVICE_UNAVAILABLE', 'db_unavailable'],
      ['SERVICE_UNAVAILABLE', 'db_unavailable'],
    ]);
  });

  it('a MySQL that never answers: TIMEOUT, reason timeout (the budget ran out first)', async () => {
    // A 300 ms budget, a 1 s connect timeout: the budget always fires first.
    const url = `mysql://root@127.0.0.1:${silent.port}/nothing`;
    const stuck = await start(serverEnv('robust_reasons_silent', url, { BUDGET_MS: '300' }));
    expect(await call(stuck.url, 'indicators.compute', cold())).toEqual({
      status: 408,
      retryAfter: null,
      code: 'TIMEOUT',
      reason: 'timeout',
      retryAfterMs: undefined,
    });
  });

  it('non-retryable errors carry no reason', async () => {
    expect(await call(wick.url, 'indicators.compute', cold({ interval: '7m' }))).toMatchObject({ status: 400, reason: undefined });
    expect(await call(wick.url, 'candles.range', { symbol: 'NOPEUSDT', interval: '1m', limit: 5 })).toMatchObject({
      status: 404,
      reason: undefined,
    });
  });
});
