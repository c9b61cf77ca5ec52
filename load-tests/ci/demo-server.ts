// A server process on the demo data: the database `npm run setup` makes (packages/db's seed with its
// defaults), in a scratch database of its own, so k6 scenarios run against what a new user has.
import { createTestDatabase, seed, urlForDatabase, type TestDatabase } from '@wick/db';
import { ADMIN_KEY, INGEST_KEY, serverEnv, spawnServer, type ServerProcess } from '@wick/server/testing';

export interface DemoServer {
  url: string;
  database: TestDatabase;
  server: ServerProcess;
  /** What k6 needs to reach it: BASE_URL and the keys. */
  k6Env: Record<string, string>;
  close(): Promise<void>;
}

export interface DemoServerOptions {
  env?: Record<string, string>;
  /** Run with the server's own cache timeout and TTLs, as `npm start` does, not the test server's. */
  productionDefaults?: boolean;
}

/** `name` ([a-z0-9_]) names the database (wick_test_<name>) and the cache namespace. */
export async function startDemoServer(name: string, options: DemoServerOptions = {}): Promise<DemoServer> {
  const dbName = `wick_test_${name}`;
  const database = await createTestDatabase(dbName);
  await seed(database);
  const env = serverEnv(name, urlForDatabase(dbName), options.env);
  if (options.productionDefaults) {
    delete env.CACHE_TIMEOUT_MS;
    delete env.WICK_CACHE_TTL;
  }
  const server = await spawnServer(env);
  return {
    url: server.url,
    database,
    server,
    k6Env: { BASE_URL: server.url, INGEST_KEY, ADMIN_KEY },
    async close() {
      await server.stop();
      await database.drop();
    },
  };
}
