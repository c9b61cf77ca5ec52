// Shared by every server test: a fresh database, a server on a random port, typed clients.
import type { ChildProcess } from 'node:child_process';
import { createWickClient, type WickClient } from '@wick/client';
import { createTestDatabase, ensureSymbols, upsertCandles, type CandleInput, type TestDatabase } from '@wick/db';
import { loadConfig, startServer, type RunningServer, type ServerConfig } from '../src/index.ts';

export const INGEST_KEY = 'test-ingest-key';
export const ADMIN_KEY = 'test-admin-key';
export const SYMBOLS = ['BTCUSDT', 'ETHUSDT'] as const;
export const MINUTE = 60_000;
/** Fixture candles end here: a fixed instant, so windows are reproducible. */
export const T0 = Date.UTC(2024, 0, 1);
export const FIXTURE_MINUTES = 3000;

export interface Wick {
  server: RunningServer;
  database: TestDatabase;
  url: string;
  client: WickClient;
  ingest: WickClient;
  admin: WickClient;
  env: Record<string, string>;
  close(): Promise<void>;
}

/** Deterministic 1m random walk (a tiny LCG, so the fixture does not depend on the seed command). */
export function fixtureCandles(symbol: string, count: number, start = T0 - count * MINUTE): CandleInput[] {
  let state = [...symbol].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7);
  const next = () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  let price = symbol.startsWith('BTC') ? 42_000 : 2_300;
  const out: CandleInput[] = [];
  for (let i = 0; i < count; i++) {
    const open = price;
    const close = Math.round(open * (1 + (next() - 0.5) * 0.004) * 100) / 100;
    const high = Math.round(Math.max(open, close) * (1 + next() * 0.001) * 100) / 100;
    const low = Math.round(Math.min(open, close) * (1 - next() * 0.001) * 100) / 100;
    out.push({ time: start + i * MINUTE, open, high, low, close, volume: Math.round(next() * 1e6) / 100 });
    price = close;
  }
  return out;
}

export async function seedFixture(database: TestDatabase): Promise<void> {
  await ensureSymbols(
    database,
    SYMBOLS.map((name) => ({ name, base: name.replace('USDT', ''), quote: 'USDT' })),
  );
  for (const symbol of SYMBOLS) {
    const candles = fixtureCandles(symbol, FIXTURE_MINUTES);
    for (let i = 0; i < candles.length; i += 1000) await upsertCandles(database, symbol, '1m', candles.slice(i, i + 1000));
  }
}

/** The environment a second server process needs to share this one's database and cache. */
export function serverEnv(name: string, database: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    HOST: '127.0.0.1',
    PORT: '0',
    NODE_ENV: 'test',
    LOG_LEVEL: 'error',
    DATABASE_URL: database,
    VALKEY_NODES: process.env.VALKEY_NODES ?? '127.0.0.1:7000,127.0.0.1:7001,127.0.0.1:7002',
    CACHE_PREFIX: `t_${name}`.slice(0, 32),
    INGEST_API_KEYS: INGEST_KEY,
    ADMIN_API_KEYS: ADMIN_KEY,
    RATE_LIMIT: '0',
    // Tests check what is cached, not how fast: a loaded CI box must not trip the breaker.
    CACHE_TIMEOUT_MS: '2000',
    ...extra,
  };
}

export async function startWick(
  name: string,
  options: { env?: Record<string, string>; overrides?: Partial<ServerConfig> } = {},
): Promise<Wick> {
  const database = await createTestDatabase(`wick_test_srv_${name}`);
  await seedFixture(database);
  const dbUrl = new URL(process.env.DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/wick');
  dbUrl.pathname = `/wick_test_srv_${name}`;
  const env = serverEnv(name, dbUrl.toString(), options.env);
  const server = await startServer(loadConfig(env, options.overrides));
  // Each test run starts from an empty cache namespace.
  await server.cache.clear();
  const url = server.url;
  return {
    server,
    database,
    url,
    env,
    client: createWickClient({ url }),
    ingest: createWickClient({ url, apiKey: INGEST_KEY }),
    admin: createWickClient({ url, apiKey: ADMIN_KEY }),
    async close() {
      await server.close();
      await database.drop();
    },
  };
}

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** A second, separate server process (node + tsx, as `pnpm start` runs it) sharing this env. */
export async function spawnServer(env: Record<string, string>): Promise<ServerProcess> {
  const { spawn } = await import('node:child_process');
  const { fileURLToPath } = await import('node:url');
  const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', main], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`server process did not start: ${stderr}`)), 30_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /serving on (http:\/\/[^\s]+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server process exited with ${code}: ${stderr}`));
    });
  });
  return {
    url,
    child,
    stop(signal = 'SIGTERM') {
      return new Promise((resolve) => {
        if (child.exitCode !== null) return resolve(child.exitCode);
        child.once('exit', (code) => resolve(code));
        child.kill(signal);
      });
    },
  };
}
