import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, startServer, type RunningServer } from '@wick/server';
import { errorCode, serverEnv, startWick, TcpProxy, testClient, type Wick } from '@wick/server/testing';

const services = fileURLToPath(new URL('../../../scripts/services.sh', import.meta.url));
const PRIVATE_BASE = '7140';
const privateNodes = [0, 1, 2, 3, 4, 5].map((i) => `127.0.0.1:${7140 + i}`).join(',');
// Asynchronous: the server under test runs in this process, and a synchronous child process would
// freeze its event loop for the seconds a cluster takes to stop or start.
const valkey = async (cmd: 'valkey-up' | 'valkey-down') => {
  await promisify(execFile)('bash', [services, cmd], { env: { ...process.env, VALKEY_PORT_BASE: PRIVATE_BASE } });
};

const reads = {
  candles: { symbol: 'BTCUSDT', interval: '1m' as const, limit: 50 },
  rsi: { symbol: 'BTCUSDT', interval: '1m' as const, indicator: 'rsi', params: {}, limit: 50 },
};

async function everyReadAnswers(client: Wick['client']) {
  expect((await client.symbols.list.query()).symbols.length).toBe(2);
  expect((await client.candles.range.query(reads.candles)).candles.time).toHaveLength(50);
  expect((await client.indicators.compute.query(reads.rsi)).values.value).toHaveLength(50);
  const { items } = await client.indicators.batch.query({ items: [reads.rsi, { ...reads.rsi, indicator: 'sma' }] });
  expect(items.every((i) => i.ok)).toBe(true);
  expect(await client.indicators.catalog.query()).toBeTruthy();
}

describe('Valkey down', () => {
  let wick: Wick;
  let server: RunningServer;
  beforeAll(async () => {
    await valkey('valkey-up');
    // The fixture database comes from startWick; this server talks to a private cluster we can stop.
    wick = await startWick('valkeydown');
    server = await startServer(loadConfig({ ...wick.env, VALKEY_NODES: privateNodes }));
  });
  afterAll(async () => {
    await server?.close();
    await wick?.close();
    await valkey('valkey-down');
  });

  it('every read procedure answers from the database while the cluster is stopped, and caching resumes after', async () => {
    const client = testClient({ url: server.url });
    await everyReadAnswers(client);
    expect((await client.indicators.compute.query(reads.rsi)).cache.status).toBe('hit');

    await valkey('valkey-down');
    // The first calls toward the dead cluster open the breaker (a refused connection trips it at once).
    await everyReadAnswers(client);
    for (let i = 0; i < 100 && server.cache.breakerState === 'closed'; i++) await new Promise((r) => setTimeout(r, 50));
    expect(server.cache.breakerState).not.toBe('closed');
    const sentBefore = (await server.cache.stats()).latencyMs.count;
    for (let i = 0; i < 3; i++) await everyReadAnswers(client);
    // A compute made while the whole cluster is down is answered from MySQL: bypass, not a timeout.
    const bypassed = await client.indicators.compute.query(reads.rsi);
    expect(bypassed.cache.status).toBe('bypass');
    expect(bypassed.values.value).toHaveLength(50);
    // While the breaker is open no call is sent toward Valkey (each sent call is timed once).
    expect((await server.cache.stats()).latencyMs.count - sentBefore).toBe(0);
    const health = await client.health.query();
    expect(health.ok).toBe(true); // the database is fine: degraded, not down
    expect(health.cache.ok).toBe(false);

    await valkey('valkey-up');
    let status = '';
    for (let i = 0; i < 100 && status !== 'hit'; i++) {
      await new Promise((r) => setTimeout(r, 200));
      status = (await client.indicators.compute.query(reads.rsi)).cache.status;
    }
    expect(status).toBe('hit');
  });
});

describe('database down', () => {
  let wick: Wick;
  let proxy: TcpProxy;
  let server: RunningServer;
  beforeAll(async () => {
    wick = await startWick('dbdown');
    const target = new URL(wick.env.DATABASE_URL!);
    proxy = await new TcpProxy({ host: target.hostname, port: Number(target.port || 3306) }).start();
    target.host = `127.0.0.1:${proxy.port}`;
    server = await startServer(loadConfig(serverEnv('dbdown', target.toString())));
  });
  afterAll(async () => {
    await server?.close();
    await proxy?.cut();
    await wick?.close();
  });

  it('answers SERVICE_UNAVAILABLE without hanging, keeps serving cached reads, recovers by itself', async () => {
    const client = testClient({ url: server.url });
    const cached = await client.indicators.compute.query(reads.rsi);
    await client.candles.range.query(reads.candles);

    await proxy.cut();
    const uncached = await client.indicators.compute.query({ ...reads.rsi, params: { period: 21 } }).catch((e: unknown) => e);
    expect(errorCode(uncached)).toBe('SERVICE_UNAVAILABLE');
    // It failed fast rather than hanging: nothing is left waiting for a connection or holding one.
    expect(server.database.poolStats()).toMatchObject({ queued: 0, inUse: 0 });
    expect((await client.indicators.compute.query(reads.rsi)).values).toEqual(cached.values);
    expect((await client.candles.range.query(reads.candles)).cache.status).toBe('hit');
    const health = await client.health.query().catch((e: unknown) => e);
    expect(errorCode(health) ?? (health as { ok: boolean }).ok).toBe(false);
    const res = await fetch(`${server.url}/health`);
    expect(res.status).toBe(503);
    // Its own connection (through the same cut proxy) says so: down, not degraded.
    expect(await res.json()).toMatchObject({ ok: false, status: 'down', db: { ok: false, state: 'down', via: 'dedicated' } });

    await proxy.restore();
    let ok = false;
    for (let i = 0; i < 50 && !ok; i++) {
      ok = await client.indicators.compute.query({ ...reads.rsi, params: { period: 21 } }).then(
        () => true,
        () => false,
      );
      if (!ok) await new Promise((r) => setTimeout(r, 100));
    }
    expect(ok).toBe(true);
    expect((await client.health.query()).ok).toBe(true);
    // The dedicated connection reconnects by itself too.
    expect((await client.health.query()).db).toMatchObject({ ok: true, via: 'dedicated' });
  });
});
