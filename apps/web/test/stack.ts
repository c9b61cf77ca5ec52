// One place that starts what the browser tests, the screenshots and the benchmark need: a seeded
// database, a real Wick server on it, the built app served to a real Chromium.
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createWickClient, type WickClient } from '@wick/client';
import { createTestDatabase, seed, urlForDatabase, type TestDatabase } from '@wick/db';
import { loadConfig, startServer, type RunningServer } from '@wick/server';
import { preview, type PreviewServer } from 'vite';
import { TcpProxy } from '@wick/server/testing';

export const INGEST_KEY = 'web-test-ingest-key';
export const DAY = 86_400_000;
export const SEED = { symbols: 2, days: 2, liquidations: 4000 } as const;

export interface Stack {
  /** Where the browser goes: the Wick server itself once it serves the app, else a preview in front. */
  origin: string;
  /** How the app reached the browser ('wick' = apps/server's web-static.ts). */
  servedBy: 'wick' | 'vite-preview';
  server: RunningServer;
  database: TestDatabase;
  client: WickClient;
  ingest: WickClient;
  /** Present when the stack was started with { dbProxy: true }. */
  dbProxy: TcpProxy | null;
  /** Present with { frontProxy: true }: the browser reaches the server through it, so a test can cut its streams. */
  frontProxy: TcpProxy | null;
  close(): Promise<void>;
}

/** Seed data ends at today's 00:00 UTC, so the chart's right edge is recent and live candles follow it. */
export function seedStart(now = Date.now()): number {
  return Math.floor(now / DAY) * DAY - SEED.days * DAY;
}

async function freePort(): Promise<number> {
  const probe = createNetServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

async function servesApp(url: string): Promise<boolean> {
  const res = await fetch(`${url}/`).catch(() => null);
  return !!res && res.ok && (res.headers.get('content-type') ?? '').startsWith('text/html');
}

export async function startStack(
  name: string,
  options: { dbProxy?: boolean; frontProxy?: boolean; env?: Record<string, string> } = {},
): Promise<Stack> {
  const dbName = `wick_test_web_${name}`;
  const database = await createTestDatabase(dbName);
  await seed(database, { ...SEED, start: seedStart(), seed: 7 });

  let dbUrl = urlForDatabase(dbName);
  let dbProxy: TcpProxy | null = null;
  if (options.dbProxy) {
    const target = new URL(dbUrl);
    dbProxy = await new TcpProxy({ host: target.hostname, port: Number(target.port || 3306) }).start();
    target.host = `127.0.0.1:${dbProxy.port}`;
    dbUrl = target.toString();
  }
  const server = await startServer(
    loadConfig({
      HOST: '127.0.0.1',
      PORT: '0',
      NODE_ENV: 'production', // error bodies without stack traces, as users get them
      LOG_LEVEL: 'silent',
      DATABASE_URL: dbUrl,
      VALKEY_NODES: process.env.VALKEY_NODES ?? '127.0.0.1:7000,127.0.0.1:7001,127.0.0.1:7002',
      CACHE_PREFIX: `tw_${name}`.slice(0, 32),
      INGEST_API_KEYS: INGEST_KEY,
      // Shed on in-flight work only, never because a loaded CI box stalled the event loop.
      ADMISSION_MAX_LOOP_DELAY_MS: '60000',
      RATE_LIMIT: '0',
      // Tests check what is shown, not how fast: a loaded box must not trip the breaker.
      CACHE_TIMEOUT_MS: '2000',
      ...options.env,
    }),
  );
  await server.cache.clear();

  let origin = server.url;
  let servedBy: Stack['servedBy'] = 'wick';
  let front: PreviewServer | null = null;
  if (!(await servesApp(server.url))) {
    // Until server.ts mounts web-static.ts: Vite's preview serves the same build and proxies the API.
    const proxy = Object.fromEntries(['/trpc', '/export', '/health', '/metrics'].map((p) => [p, { target: server.url }]));
    front = await preview({
      root: fileURLToPath(new URL('..', import.meta.url)),
      configFile: false,
      logLevel: 'silent',
      preview: { host: '127.0.0.1', port: await freePort(), strictPort: true, proxy },
    });
    origin = front.resolvedUrls!.local[0]!.replace(/\/$/, '');
    servedBy = 'vite-preview';
  }
  let frontProxy: TcpProxy | null = null;
  if (options.frontProxy) {
    const target = new URL(origin);
    frontProxy = await new TcpProxy({ host: target.hostname, port: Number(target.port) }).start();
    origin = `http://127.0.0.1:${frontProxy.port}`;
  }

  return {
    origin,
    servedBy,
    server,
    database,
    client: createWickClient({ url: server.url }),
    ingest: createWickClient({ url: server.url, apiKey: INGEST_KEY }),
    dbProxy,
    frontProxy,
    async close() {
      await frontProxy?.cut();
      await front?.close();
      await server.close();
      await dbProxy?.cut();
      await database.drop();
    },
  };
}
