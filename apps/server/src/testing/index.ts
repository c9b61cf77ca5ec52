/**
 * @wick/server/testing — the one test harness for everything that needs a real Wick server
 * (this package's tests, @wick/client's, load-tests'): seeded databases, servers in this process
 * or in another, typed clients. Test-only: nothing at runtime imports it.
 */
export { SYMBOLS, MINUTE, T0, FIXTURE_MINUTES, fixtureCandles, seedFixture } from './fixture.ts';
export { INGEST_KEY, ADMIN_KEY, serverEnv } from './server-env.ts';
export { startWick, type Wick, type StartWickOptions } from './start-wick.ts';
export { spawnServer, type ServerProcess } from './spawn-server.ts';
export { testClient, errorCode, type TestClient, type TestClientOptions } from './test-client.ts';
export { TcpProxy } from './tcp-proxy.ts';
