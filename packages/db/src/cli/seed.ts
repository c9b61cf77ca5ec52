import { createDatabase } from '../client.ts';
import { migrate } from '../migrate.ts';
import { seed } from '../seed/seed.ts';
import { cliArgs, intFlag, timeFlag } from './args.ts';
import { progressPrinter } from './progress.ts';

const { values } = cliArgs({
  symbols: { type: 'string' },
  days: { type: 'string' },
  liquidations: { type: 'string' },
  seed: { type: 'string' },
  start: { type: 'string' },
  end: { type: 'string' },
  method: { type: 'string' },
});

const database = createDatabase({ queryTimeoutMs: 600_000 });
const progress = progressPrinter();
try {
  await migrate(database);
  const method = values.method;
  if (method !== undefined && method !== 'auto' && method !== 'load-data' && method !== 'insert') {
    throw new Error('--method must be auto, load-data or insert');
  }
  const report = await seed(database, {
    symbols: intFlag(values.symbols, 'symbols'),
    days: intFlag(values.days, 'days'),
    liquidations: intFlag(values.liquidations, 'liquidations'),
    seed: intFlag(values.seed, 'seed'),
    start: timeFlag(values.start, 'start'),
    end: timeFlag(values.end, 'end'),
    method,
    onProgress: (p) => progress.update(p),
  });
  progress.stop();
  const candles = Object.values(report.candles).reduce((a, b) => a + b, 0);
  const iso = (ms: number) => new Date(ms).toISOString();
  console.log(`symbols       ${report.symbols.join(' ')}`);
  console.log(`1m candles    ${iso(report.span.start)} .. ${iso(report.span.end)} (end exclusive)`);
  console.log(
    `candles       ${candles} rows in ${report.seconds.candles.toFixed(2)} s (${report.rowsPerSecond.candles} rows/s, roll-ups included)`,
  );
  console.log(
    `liquidations  ${report.liquidations} rows in ${report.seconds.liquidations.toFixed(2)} s (${report.rowsPerSecond.liquidations} rows/s)`,
  );
  console.log(`method        ${report.method}`);
  console.log(`checksum      ${report.checksum} (${report.seconds.checksum.toFixed(2)} s)`);
} catch (err) {
  progress.stop();
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
} finally {
  await database.close();
}
