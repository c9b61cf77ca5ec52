import { loadConfig } from './config.ts';
import { startServer } from './server.ts';

const started = performance.now();
const config = loadConfig();
const running = await startServer(config);
running.log.info({ url: running.url, startMs: Math.round(performance.now() - started) }, `Wick listening on ${running.url}`);
console.log(
  `Wick is serving on ${running.url}  (tRPC: ${running.url}/trpc, metrics: ${running.url}/metrics, health: ${running.url}/health)`,
);

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    running.log.info({ signal }, 'shutting down: draining in-flight requests');
    running.close().then(
      () => process.exit(0),
      (err: unknown) => {
        running.log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  });
}
