/**
 * `pnpm db:seed`, `pnpm db:import` and `pnpm db:restored`: the database command of @wick/db (its own output, flags and
 * exit code), then the cache is told what it replaced (data-retire.ts). @wick/db may not know the
 * cache (the storage layers stay independent), so the server, which knows both, wraps it.
 *
 *   node --import tsx src/cli/data-command.ts seed|import|restored [the db command's flags and files]
 *
 * It reads DATABASE_URL, VALKEY_NODES, CACHE_PREFIX and CACHE_TIMEOUT_MS as the server does. The
 * cache is told even when the command failed: a seed that stopped half-way has already replaced data.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createCache, parseNodes } from '@wick/cache';
import { createDatabase, listSymbols, type Database } from '@wick/db';
import { loadConfig } from '../config.ts';
import { retireChangedData, retirementOf, type DataChange } from '../data-retire.ts';

const CONNECT_WAIT_MS = 5_000;

const [command, ...rest] = process.argv.slice(2).filter((a) => a !== '--');
if (command !== 'seed' && command !== 'import' && command !== 'restored') {
  console.error('usage: data-command.ts seed|import|restored [flags of pnpm --filter @wick/db run seed|import]');
  process.exit(2);
}

// Files are the user's, relative to where they ran pnpm; the db command runs elsewhere.
const { values, tokens } = parseArgs({
  args: rest,
  options: { kind: { type: 'string' }, symbol: { type: 'string' }, interval: { type: 'string' } },
  allowPositionals: true,
  strict: false,
  tokens: true,
});
const args = [...rest];
const userCwd = process.env.INIT_CWD ?? process.cwd();
if (command === 'import') for (const t of tokens) if (t.kind === 'positional') args[t.index] = resolve(userCwd, t.value);

async function symbolNames(database: Database): Promise<string[]> {
  // No database or no tables yet (the seed migrates first): nothing of it can be cached.
  return listSymbols(database).then(
    (rows) => rows.map((r) => r.name),
    () => [],
  );
}

function changeOf(before: string[], after: string[]): DataChange {
  if (command !== 'import') {
    // A seed or a restored backup replaces everything: what was there and what is there now.
    const all = [...new Set([...before, ...after])];
    return { candles: all, liquidations: all, symbolList: true };
  }
  const symbol = typeof values.symbol === 'string' ? [values.symbol] : [];
  return {
    candles: values.kind === 'klines' ? symbol : [],
    liquidations: values.kind === 'liquidations' ? symbol : [],
    symbolList: symbol.length > 0,
  };
}

/** Tells the cache; false when it could not be told all of it (printed). */
async function tellCache(change: DataChange): Promise<boolean> {
  const cache = await createCache({
    nodes: parseNodes(config.VALKEY_NODES),
    prefix: config.CACHE_PREFIX,
    requestTimeoutMs: config.CACHE_TIMEOUT_MS,
  });
  try {
    for (let waited = 0; cache.breakerState !== 'closed' && waited < CONNECT_WAIT_MS; waited += 100)
      await new Promise((r) => setTimeout(r, 100));
    const plan = retirementOf(change);
    const report =
      cache.breakerState === 'closed'
        ? await retireChangedData(cache, change)
        : { series: plan.series.length, namespaces: plan.namespaces.length, unconfirmed: ['all of them (no connection)'] };
    const what = `${report.series} series and ${report.namespaces} namespaces (cache prefix ${config.CACHE_PREFIX})`;
    if (report.unconfirmed.length === 0) {
      console.log(`cache         retired ${what}: every reader answers from the new data`);
      return true;
    }
    console.error(
      `cache         NOT retired: of ${what}, ${report.unconfirmed.join(', ')} could not be bumped in Valkey (${config.VALKEY_NODES}).` +
        ' Readers may be answered from the old data until its TTL. The data is written; once Valkey is back, run the' +
        ' same command again (an import is idempotent; a seed with --start or --end writes the same rows again).',
    );
    return false;
  } finally {
    await cache.close();
  }
}

const config = loadConfig(process.env);
const database = createDatabase({ url: config.DATABASE_URL });
let exitCode = 0;
try {
  const before = command === 'seed' ? await symbolNames(database) : [];
  const child = spawn('pnpm', ['--filter', '@wick/db', 'run', '--silent', command, '--', ...args], { stdio: 'inherit' });
  const [code] = (await once(child, 'exit')) as [number | null];
  exitCode = code ?? 1;
  const change = changeOf(before, await symbolNames(database));
  const anything = change.candles.length + change.liquidations.length > 0 || change.symbolList;
  // Exit code 2 is a usage error: nothing was written.
  if (exitCode !== 2 && anything && !(await tellCache(change)) && exitCode === 0) exitCode = 1;
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  if (exitCode === 0) exitCode = 1;
} finally {
  await database.close();
}
process.exitCode = exitCode;
