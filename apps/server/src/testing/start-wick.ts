import { setTimeout as sleep } from 'node:timers/promises';
import { createTestDatabase, type TestDatabase } from '@wick/db';
import { loadConfig, type ServerConfig } from '../config.ts';
import { startServer, type RunningServer } from '../server.ts';
import { seedFixture } from './fixture.ts';
import { ADMIN_KEY, INGEST_KEY, serverEnv } from './server-env.ts';
import { testClient, type TestClient } from './test-client.ts';

/** A server in this process on a fresh, seeded database, with clients for each kind of caller. */
export interface Wick {
  server: RunningServer;
  database: TestDatabase;
  url: string;
  /** Anonymous, with the ingest key, with the admin key. */
  client: TestClient;
  ingest: TestClient;
  admin: TestClient;
  /** The environment it runs with: give it to a second server (spawnServer) to share database and cache. */
  env: Record<string, string>;
  /** Stops the server and drops its database. */
  close(): Promise<void>;
}

export interface StartWickOptions {
  /** Extra environment, as the server reads it (e.g. RATE_LIMIT). */
  env?: Record<string, string>;
  /** Parsed settings that win over the environment. */
  overrides?: Partial<ServerConfig>;
}

/**
 * A server starts without waiting long for Valkey (its first connection attempt is bounded, then it
 * retries in the background with the breaker open). Tests assert cache outcomes, so they start
 * once the cache is connected; on a busy box that can take a few seconds.
 */
async function untilCacheConnected(server: RunningServer): Promise<void> {
  for (let i = 0; i < 600 && server.cache.breakerState !== 'closed'; i++) await sleep(50);
  if (server.cache.breakerState !== 'closed') {
    await server.close();
    throw new Error(
      `the test server's cache is not connected to Valkey (${server.cache.breakerState}): is the cluster up? (scripts/services.sh up)`,
    );
  }
}

/**
 * Bus mode: the clear removed the near-cache member set, which this process notices at its next
 * renewal (fenced) and rejoins. Tests start after that, in good standing, so their first hits do
 * not meet the standing change.
 */
async function untilRejoined(server: RunningServer, fencedBefore: number): Promise<void> {
  const near = server.cache.nearCache;
  const rejoined = () => near.counts().fencedSelf > fencedBefore && near.inStanding();
  for (let i = 0; i < 600 && !rejoined(); i++) await sleep(10);
  if (!rejoined()) throw new Error("the test server's near cache did not rejoin the bus after the cache was cleared");
}

/** `name` ([a-z0-9_]) names the database (wick_test_srv_<name>) and the cache namespace; one per test file. */
export async function startWick(name: string, options: StartWickOptions = {}): Promise<Wick> {
  const dbName = `wick_test_srv_${name}`;
  const database = await createTestDatabase(dbName);
  await seedFixture(database);
  const dbUrl = new URL(process.env.DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/wick');
  dbUrl.pathname = `/${dbName}`;
  const env = serverEnv(name, dbUrl.toString(), options.env);
  const config = loadConfig(env, options.overrides);
  const server = await startServer(config);
  await untilCacheConnected(server);
  // Each test run starts from an empty cache namespace, and the warmer's first pass (awaited by
  // warmer.firstPass()) runs against it: the pass made at start-up may have met no cache yet.
  await server.warmer.firstPass();
  server.warmer.stop();
  const fencedBefore = server.cache.nearCache.counts().fencedSelf;
  await server.cache.clear();
  if (config.FAST_PATH && config.FAST_PATH_L1 && config.FAST_PATH_L1_FRESHNESS === 'bus') await untilRejoined(server, fencedBefore);
  server.warmer.start();
  const url = server.url;
  return {
    server,
    database,
    url,
    env,
    client: testClient({ url }),
    ingest: testClient({ url, apiKey: INGEST_KEY }),
    admin: testClient({ url, apiKey: ADMIN_KEY }),
    async close() {
      await server.close();
      await database.drop();
    },
  };
}
