// Liquidations speed: deep keyset pages vs page 1, and a 1 M-row CSV export over HTTP vs the
// mariadb client. Prints tables; never fails on time. `pnpm --filter @wick/server bench`.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { get } from 'node:http';
import { fileURLToPath } from 'node:url';
import { createDatabase, listLiquidations, migrate, seed, urlForDatabase, type Database } from '@wick/db';
import { testClient, type TestClient } from '@wick/server/testing';

// BENCH_SMOKE=1 (the README test): the same walk, pages and exports over a small database of its own
// (never the 5 M-row wick_bench a full run keeps).
const SMOKE = process.env.BENCH_SMOKE === '1';
const DB_NAME = process.env.BENCH_DB ?? (SMOKE ? 'wick_bench_smoke' : 'wick_bench');
const TARGET_ROWS = Number(process.env.BENCH_LIQUIDATIONS ?? (SMOKE ? 20_000 : 5_000_000));
const DEEP_ROW = SMOKE ? 5_000 : 900_000;
const EXPORT_ROWS = SMOKE ? 10_000 : 1_000_000;
const PAGE = 100;
const REPEAT = Number(process.env.BENCH_REPEAT ?? (SMOKE ? 3 : 30));
if (SMOKE) console.log('server: smoke run (BENCH_SMOKE=1): 20,000 rows, depth 5,000, export 10,000; the figures mean nothing');
const SYMBOL = 'BTCUSDT';

const SELECT =
  'SELECT l.id, l.symbol_id, l.side, l.order_type, l.time_in_force, l.original_quantity, l.price,' +
  ' l.average_price, l.order_status, l.last_fill_quantity, l.accumulated_fill_quantity,' +
  ' l.order_trade_time, CAST(l.average_price * l.accumulated_fill_quantity AS DECIMAL(44,10)) AS usd FROM liquidation_orders l';
const ORDER = ' ORDER BY l.order_trade_time DESC, l.id DESC';

function table(title: string, header: string[], rows: (string | number)[][]): void {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => r[i]!.length)));
  console.log(`\n${title}`);
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of cells.slice(1)) console.log(line(r));
}

/** The SQL text `fn` sends through the pool (values inlined as mysql2 does). */
async function captureSql(database: Database, fn: () => Promise<unknown>): Promise<string> {
  const pool = database.pool as unknown as { query: (...args: unknown[]) => unknown; format: (sql: string, values?: unknown) => string };
  const original = pool.query;
  let seen = '';
  pool.query = (o: unknown, v?: unknown) => {
    const opts = o as { sql?: string; values?: unknown };
    const sql = typeof o === 'string' ? pool.format(o, v) : pool.format(opts.sql!, opts.values ?? v);
    // Only the page query itself (a first call also loads symbol names).
    if (sql.includes('FROM liquidation_orders')) seen = sql;
    return original.call(database.pool, o, v);
  };
  try {
    await fn();
  } finally {
    pool.query = original;
  }
  return seen;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const p90 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.9)]!;

async function count(database: Database): Promise<number> {
  const [rows] = await database.pool.query({ sql: 'SELECT COUNT(*) FROM liquidation_orders', rowsAsArray: true });
  return Number((rows as [number][])[0]![0]);
}

/** Reuses wick_bench when it already holds the right number of rows; seeds it otherwise. */
async function ensureData(): Promise<Database> {
  const admin = createDatabase({ url: urlForDatabase('') });
  await admin.pool.query(`CREATE DATABASE IF NOT EXISTS \`${DB_NAME}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await admin.close();
  const database = createDatabase({ url: urlForDatabase(DB_NAME), queryTimeoutMs: 3_600_000 });
  await migrate(database);
  const have = await count(database);
  if (have === TARGET_ROWS) {
    console.log(`reusing ${DB_NAME}: ${have.toLocaleString()} liquidations`);
    return database;
  }
  console.log(`seeding ${DB_NAME} with ${TARGET_ROWS.toLocaleString()} liquidations (had ${have.toLocaleString()}) …`);
  let last = 0;
  const report = await seed(database, {
    symbols: SMOKE ? 2 : 10,
    days: SMOKE ? 2 : 30,
    liquidations: TARGET_ROWS,
    onProgress: (p) => {
      if (p.table === 'liquidation_orders' && p.done - last >= 500_000) {
        last = p.done;
        process.stdout.write(`  ${p.done.toLocaleString()} / ${p.total.toLocaleString()}\n`);
      }
    },
  });
  console.log(
    `seeded in ${report.seconds.liquidations.toFixed(1)} s (${report.rowsPerSecond.liquidations.toLocaleString()} rows/s, ${report.method})`,
  );
  return database;
}

interface Server {
  url: string;
  child: ChildProcess;
  rssKb(): { rss: number; hwm: number };
  stop(): Promise<void>;
}

/** The server as its own process (as in production), so its RSS is its own. */
async function startServerProcess(): Promise<Server> {
  const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', main], {
    env: {
      ...process.env,
      PORT: '0',
      NODE_ENV: 'production',
      LOG_LEVEL: 'error',
      DATABASE_URL: urlForDatabase(DB_NAME),
      CACHE_PREFIX: 'bench_liq',
      RATE_LIMIT: '0',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /serving on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  const status = () => readFileSync(`/proc/${child.pid}/status`, 'utf8');
  const kb = (text: string, field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(text)?.[1] ?? 0);
  return {
    url,
    child,
    rssKb() {
      const s = status();
      return { rss: kb(s, 'VmRSS'), hwm: kb(s, 'VmHWM') };
    },
    /** Resets the peak-RSS mark (Linux: write 5 to clear_refs). */
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

function resetPeak(pid: number): void {
  try {
    execFileSync('sh', ['-c', `echo 5 > /proc/${pid}/clear_refs`]);
  } catch {
    // not permitted: the peak then covers the whole process life (still an upper bound)
  }
}

async function timeIt(fn: () => Promise<unknown>, n = REPEAT): Promise<number[]> {
  for (let i = 0; i < 3; i++) await fn();
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn();
    out.push(performance.now() - t);
  }
  return out;
}

async function pagination(client: TestClient, database: Database) {
  const rows: (string | number)[][] = [];
  const explains: string[] = [];
  const dbRows: (string | number)[][] = [];
  for (const filter of [{}, { symbol: SYMBOL }] as { symbol?: string }[]) {
    const label = filter.symbol ? `symbol=${filter.symbol}` : 'all symbols';
    // Walk to row 900,000 with real cursors (1,000 rows a page), then time the next page there.
    const walkStart = performance.now();
    let cursor: string | undefined;
    let seen = 0;
    let last: { orderTradeTime: number; id: number } | undefined;
    while (seen < DEEP_ROW) {
      const input = { ...filter, limit: 1000, ...(cursor ? { cursor } : {}) };
      // One retry: a keep-alive socket closed by the server between requests is not a measurement.
      const r = await client.liquidations.list.query(input).catch(() => client.liquidations.list.query(input));
      seen += r.rows.length;
      last = r.rows.at(-1);
      if (!r.nextCursor) throw new Error(`only ${seen} rows for ${label}`);
      cursor = r.nextCursor;
    }
    const walkS = (performance.now() - walkStart) / 1000;
    const first = await timeIt(() => client.liquidations.list.query({ ...filter, limit: PAGE }));
    const deep = await timeIt(() => client.liquidations.list.query({ ...filter, limit: PAGE, cursor }));
    rows.push([label, 'page 1', PAGE, median(first).toFixed(2), p90(first).toFixed(2), '', '']);
    rows.push([
      label,
      `row ${DEEP_ROW.toLocaleString()}`,
      PAGE,
      median(deep).toFixed(2),
      p90(deep).toFixed(2),
      `${(median(deep) / median(first)).toFixed(2)}×`,
      `${walkS.toFixed(1)} s`,
    ]);

    // The page queries as @wick/db issues them (captured, so EXPLAIN shows its real SQL), timed
    // without HTTP too, then explained.
    for (const [which, after] of [
      ['page 1', undefined],
      ['deep', { time: last!.orderTradeTime, id: last!.id }],
    ] as const) {
      const q = { ...filter, limit: PAGE, ...(after ? { after } : {}) };
      const sql = await captureSql(database, () => listLiquidations(database, q));
      const dbMs = await timeIt(() => listLiquidations(database, q));
      dbRows.push([label, which, median(dbMs).toFixed(2), '']);
      const [plan] = await database.pool.query(`EXPLAIN ${sql}`);
      for (const p of plan as Record<string, unknown>[]) {
        explains.push(
          `${label.padEnd(16)} ${which.padEnd(7)} type=${p.type} key=${p.key} key_len=${p.key_len} rows=${p.rows} Extra=${p.Extra}`,
        );
      }
      if (which === 'deep') explains.push(`${''.padEnd(24)} SQL: ${sql.replace(/^SELECT .* FROM/, 'SELECT … FROM')}`);
    }
  }
  table(
    'Keyset pagination through the API (httpBatchLink, ms per page)',
    ['filter', 'page', 'limit', 'median', 'p90', 'vs page 1 (target ≤ 1.5×)', 'walk there'],
    rows,
  );
  for (const r of dbRows.filter((_, i) => i % 2 === 1)) {
    const head = dbRows.find((x) => x[0] === r[0] && x[1] === 'page 1')!;
    r[3] = `${(Number(r[2]) / Number(head[2])).toFixed(2)}×`;
  }
  table('The same pages, listLiquidations() alone (ms, no HTTP)', ['filter', 'page', 'median', 'vs page 1'], dbRows);
  console.log('\nEXPLAIN of the page queries (MariaDB):');
  for (const e of explains) console.log(`  ${e}`);
}

function download(url: string): Promise<{ bytes: number; lines: number; ms: number }> {
  return new Promise((resolve, reject) => {
    const t = performance.now();
    get(url, (res) => {
      if (res.statusCode !== 200) reject(new Error(`export answered ${res.statusCode}`));
      let bytes = 0;
      let lines = 0;
      res.on('data', (c: Buffer) => {
        bytes += c.length;
        let i = -1;
        while ((i = c.indexOf(10, i + 1)) !== -1) lines++;
      });
      res.on('end', () => resolve({ bytes, lines, ms: performance.now() - t }));
      res.on('error', reject);
    }).on('error', reject);
  });
}

async function exportBench(server: Server, database: Database) {
  // The newest ~1 M rows: `from` is the time of row 1,000,000 (ties may add a few).
  const [at] = await database.pool.query({
    sql: `SELECT order_trade_time FROM liquidation_orders ORDER BY order_trade_time DESC, id DESC LIMIT 1 OFFSET ${EXPORT_ROWS - 1}`,
    rowsAsArray: true,
  });
  const from = Number((at as [number][])[0]![0]);
  const [n] = await database.pool.query({
    sql: 'SELECT COUNT(*) FROM liquidation_orders WHERE order_trade_time >= ?',
    values: [from],
    rowsAsArray: true,
  });
  const rows = Number((n as [number][])[0]![0]);

  const url = new URL(urlForDatabase(DB_NAME));
  const sql = `${SELECT} WHERE l.order_trade_time >= ${from}${ORDER}`;
  const mariadbRun = () => {
    const t = performance.now();
    execFileSync(
      'sh',
      [
        '-c',
        `mariadb --batch --quick -h ${url.hostname} -P ${url.port || 3306} -u ${url.username || 'root'} ${DB_NAME} -e "${sql}" > /dev/null`,
      ],
      { stdio: 'inherit' },
    );
    return performance.now() - t;
  };
  mariadbRun(); // warm the buffer pool
  const mariadbMs = Math.min(mariadbRun(), mariadbRun());

  const results: (string | number)[][] = [];
  for (const [label, path] of [
    ['CSV', `/export/liquidations.csv?from=${from}`],
    ['NDJSON', `/export/liquidations.ndjson?from=${from}`],
  ] as const) {
    await download(`${server.url}${path}`); // warm-up run
    const before = server.rssKb();
    resetPeak(server.child.pid!);
    const runs = [await download(`${server.url}${path}`), await download(`${server.url}${path}`)];
    const best = runs.reduce((a, b) => (a.ms <= b.ms ? a : b));
    const after = server.rssKb();
    const dataLines = best.lines - (label === 'CSV' ? 1 : 0);
    results.push([
      `HTTP ${label}`,
      dataLines.toLocaleString(),
      (best.bytes / 1e6).toFixed(1),
      (best.ms / 1000).toFixed(2),
      Math.round(dataLines / (best.ms / 1000)).toLocaleString(),
      `${(best.ms / mariadbMs).toFixed(2)}×`,
      `${(before.rss / 1024).toFixed(0)} → peak ${(after.hwm / 1024).toFixed(0)} (+${((after.hwm - before.rss) / 1024).toFixed(0)})`,
    ]);
    if (dataLines !== rows) console.log(`  warning: ${label} export gave ${dataLines} rows, expected ${rows}`);
  }
  results.push([
    'mariadb --batch --quick',
    rows.toLocaleString(),
    '',
    (mariadbMs / 1000).toFixed(2),
    Math.round(rows / (mariadbMs / 1000)).toLocaleString(),
    '1.00×',
    '',
  ]);
  table(
    `Export of the newest ${rows.toLocaleString()} rows (targets: ≥ 400,000 rows/s, ≤ 2× mariadb, RSS growth < 50 MB)`,
    ['what', 'rows', 'MB', 's', 'rows/s', 'vs mariadb', 'server RSS MB'],
    results,
  );
}

const database = await ensureData();
const server = await startServerProcess();
try {
  console.log(`server ${server.url} (pid ${server.child.pid}), RSS ${(server.rssKb().rss / 1024).toFixed(0)} MB`);
  const client = testClient({ url: server.url });
  if (!process.env.BENCH_SKIP_PAGES) await pagination(client, database);
  await exportBench(server, database);
} finally {
  await server.stop();
  await database.close();
}
