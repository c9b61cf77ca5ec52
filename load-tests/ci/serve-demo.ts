// pnpm --filter @wick/load-tests exec tsx ci/serve-demo.ts [name] — a server process on a fresh demo
// database (what `npm run setup` seeds), printing its k6 environment, until Ctrl-C: for running
// scenarios by hand (`scripts/k6.sh run -e BASE_URL=… load-tests/<name>.js`).
import { startDemoServer } from './demo-server.ts';

const demo = await startDemoServer(process.argv[2] ?? 'k6_demo', { productionDefaults: process.env.WICK_DEMO_DEFAULTS === '1' });
for (const [k, v] of Object.entries(demo.k6Env)) console.log(`${k}=${v}`);
const stop = () => void demo.close().then(() => process.exit(0));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
