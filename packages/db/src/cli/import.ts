import { resolve } from 'node:path';
import { isInterval } from '@wick/market';
import { createDatabase } from '../client.ts';
import { ImportError } from '../errors.ts';
import { importCsv } from '../import/import-csv.ts';
import { migrate } from '../migrate.ts';
import { cliArgs } from './args.ts';
import { progressPrinter } from './progress.ts';

const USAGE = 'usage: pnpm db:import -- --kind klines|liquidations --symbol BTCUSDT [--interval 1m] file.csv [more.csv …]';

const { values, positionals } = cliArgs({
  kind: { type: 'string' },
  symbol: { type: 'string' },
  interval: { type: 'string' },
});

const kind = values.kind;
const interval = values.interval;
if ((kind !== 'klines' && kind !== 'liquidations') || !values.symbol || positionals.length === 0) {
  console.error(USAGE);
  process.exit(2);
}
if (interval !== undefined && !isInterval(interval)) {
  console.error(`--interval must be one of 1m 5m 15m 1h 4h 1d\n${USAGE}`);
  process.exit(2);
}

const database = createDatabase({ queryTimeoutMs: 600_000 });
const progress = progressPrinter();
try {
  await migrate(database);
  for (const given of positionals) {
    // pnpm runs the script in packages/db; a relative path is the user's, from where they ran pnpm (INIT_CWD).
    const file = resolve(process.env.INIT_CWD ?? process.cwd(), given);
    const started = performance.now();
    const r = await importCsv(database, { file, kind, symbol: values.symbol, interval, onProgress: (p) => progress.update(p) });
    progress.stop();
    const secs = (performance.now() - started) / 1000;
    console.log(`${given}: ${r.inserted} inserted, ${r.updated} updated, ${r.unchanged} unchanged in ${secs.toFixed(2)} s`);
    if (r.rollup.compared > 0) {
      console.log(
        `  ${r.rollup.compared} rows fall on days that have 1m candles: not written (${interval} is derived from 1m there),` +
          ` compared with the roll-up: ${r.rollup.differing} differ`,
      );
      for (const d of r.rollup.examples) {
        const at = new Date(d.openTime).toISOString();
        console.log(
          d.column === 'missing'
            ? `    ${at}: no 1m candles in this span`
            : `    ${at}: ${d.column} is ${d.file} in the file, ${d.rollup} in the roll-up`,
        );
      }
    }
  }
} catch (err) {
  progress.stop();
  console.error(
    err instanceof ImportError ? `import stopped, nothing of this file written: ${err.message}` : err instanceof Error ? err.message : err,
  );
  process.exitCode = 1;
} finally {
  await database.close();
}
