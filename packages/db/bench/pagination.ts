// Page 1 vs a page ~900,000 rows deep, with and without a symbol filter, through listLiquidations.
// Needs a seeded database: BENCH_DATABASE_URL (default: DATABASE_URL), e.g. after
// `pnpm db:seed -- --liquidations 1000000`.
import { createDatabase, listLiquidations, listSymbols, type KeysetCursor } from '../src/index.ts';

const database = createDatabase({ url: process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL });
// BENCH_SMOKE=1 (the README test): the same pages, shallow and few.
const smoke = process.env.BENCH_SMOKE === '1';
const depth = Number(process.env.BENCH_DEPTH ?? (smoke ? 5_000 : 900_000));
const reps = Number(process.env.BENCH_REPS ?? (smoke ? 3 : 30));
if (smoke) console.log('db: smoke run (BENCH_SMOKE=1): depth 5,000, 3 repetitions; the figures mean nothing');

async function cursorAt(where: string, values: unknown[], offset: number): Promise<KeysetCursor | undefined> {
  const [rows] = await database.pool.query({
    sql: `SELECT order_trade_time, id FROM liquidation_orders ${where} ORDER BY order_trade_time DESC, id DESC LIMIT 1 OFFSET ?`,
    values: [...values, offset],
    rowsAsArray: true,
  });
  const r = (rows as [number, number][])[0];
  return r ? { time: r[0], id: r[1] } : undefined;
}

async function median(fn: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(reps / 2)]!;
}

try {
  const symbols = await listSymbols(database);
  const sym = symbols[1] ?? symbols[0];
  if (!sym) throw new Error('no symbols: seed first');
  const rowsOut: string[] = [];
  for (const [label, symbol, where, values] of [
    ['all symbols', undefined, '', []],
    [`symbol ${sym.name}`, sym.name, 'WHERE symbol_id = ?', [sym.id]],
  ] as const) {
    const deep = (await cursorAt(where, [...values], depth)) ?? (await cursorAt(where, [...values], 0));
    const first = await median(() => listLiquidations(database, { symbol, limit: 100 }));
    const deepMs = await median(() => listLiquidations(database, { symbol, limit: 100, after: deep }));
    rowsOut.push(`| ${label} | ${first.toFixed(2)} | ${deepMs.toFixed(2)} | ${(deepMs / first).toFixed(2)}× |`);
  }
  console.log(`keyset page of 100, median of ${reps}, depth ${depth}`);
  console.log('| filter | page 1 ms | deep page ms | ratio |\n|---|---|---|---|');
  for (const r of rowsOut) console.log(r);
} finally {
  await database.close();
}
