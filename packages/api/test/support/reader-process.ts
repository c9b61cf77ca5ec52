// A second API process for the cross-process tests: its own cache client, its own in-process
// single-flight and engine, on the database and cache namespace the test process names in its
// environment. Driven over IPC (child_process fork-style messages); see reader-process-client.ts.
import { createCache, parseNodes } from '@wick/cache';
import { createDatabase } from '@wick/db';
import { createEngine } from '@wick/engine';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { appRouter, createApiMetrics, createCallerFactory, createContextFactory, createServices, type ApiConfig } from '../../src/index.ts';
import type { ReaderReads, ReaderReply, ReaderRequest } from './reader-protocol.ts';

const env = process.env;
const log = pino({ level: 'silent' });
const config: ApiConfig = {
  readKeys: [],
  ingestKeys: [],
  adminKeys: [],
  rateLimit: { limit: 0, windowMs: 60_000 },
  slowMs: 600_000,
  budgetMs: 30_000,
  cursorSecret: 'reader-process-cursor-secret',
};

const database = createDatabase({ url: env.READER_DATABASE_URL! });
const cache = await createCache({
  nodes: parseNodes(env.READER_VALKEY_NODES!),
  prefix: env.READER_CACHE_PREFIX!,
  requestTimeoutMs: 2000,
  logger: log,
});
const engine = createEngine({ threads: 1 });
const metrics = createApiMetrics(new Registry(), { engine, database });
const services = createServices({
  database,
  cache,
  engine,
  metrics,
  budgetMs: config.budgetMs,
  cursorSecret: config.cursorSecret,
  appendAware: true,
});
const contextFor = createContextFactory({ services, config, log, metrics });
const createCaller = createCallerFactory(appRouter);
/** A fresh caller per read, as a fresh HTTP request would be. */
const caller = () => createCaller(contextFor({ ip: '127.0.0.1', apiKey: null, apiKeyId: null }));

let hammering: Promise<void> | null = null;
let stopHammer = false;

async function read(request: ReaderReads) {
  const [candles, indicator] = await Promise.all([caller().candles.range(request.candles), caller().indicators.compute(request.indicator)]);
  return { candles, indicator };
}

const send = (reply: ReaderReply) => process.send!(reply);

process.on('message', (message: ReaderRequest) => {
  void (async () => {
    try {
      switch (message.op) {
        case 'read':
          send({ id: message.id, ok: true, result: await read(message) });
          break;
        case 'hammer':
          // Reads of the same keys back to back, so a reader often finds a flight already running.
          stopHammer = false;
          hammering = (async () => {
            while (!stopHammer) await read(message.request).catch(() => undefined);
          })();
          send({ id: message.id, ok: true, result: null });
          break;
        case 'stats': {
          stopHammer = true;
          await hammering;
          send({ id: message.id, ok: true, result: await cache.stats() });
          break;
        }
        case 'close':
          stopHammer = true;
          await hammering;
          await engine.close();
          await cache.close();
          await database.close();
          send({ id: message.id, ok: true, result: null });
          process.disconnect();
          break;
      }
    } catch (err) {
      send({ id: message.id, ok: false, error: String(err) });
    }
  })();
});

send({ id: 0, ok: true, result: 'ready' });
