// The benchmark's own database: seeded once, reused while its shape matches.
import { createDatabase, migrate, seed, urlForDatabase, type Database } from '@wick/db';

export const BENCH_DB = 'wick_bench_e2e';
export const SEED = { symbols: 4, days: 7, seed: 42 } as const;
/** BENCH_SMOKE=1: the same code paths on a tiny database of its own (never the full one). */
export const SMOKE_DB = 'wick_bench_e2e_smoke';
export const SMOKE_SEED = { symbols: 4, days: 2, seed: 42 } as const;

export interface Shape {
  database: string;
  seed: { symbols: number; days: number; seed: number };
}

export interface Prepared {
  url: string;
  database: Database;
  liquidations: number;
  reused: boolean;
  seedSeconds: number;
}

async function counts(database: Database): Promise<{ liquidations: number; candles1m: number; symbols: number }> {
  const [[l]] = (await database.pool.query('SELECT COUNT(*) AS n FROM liquidation_orders')) as unknown as [[{ n: number }]];
  const [[c]] = (await database.pool.query("SELECT COUNT(*) AS n FROM candles WHERE `interval` = '1m'")) as unknown as [[{ n: number }]];
  const [[s]] = (await database.pool.query('SELECT COUNT(*) AS n FROM symbols')) as unknown as [[{ n: number }]];
  return { liquidations: Number(l.n), candles1m: Number(c.n), symbols: Number(s.n) };
}

export async function prepareDatabase(
  liquidations: number,
  log: (line: string) => void,
  shape: Shape = { database: BENCH_DB, seed: SEED },
): Promise<Prepared> {
  const dbName = shape.database;
  const shapeSeed = shape.seed;
  const url = urlForDatabase(dbName);
  // Through the server's own `mysql` schema: the bench database may not exist yet.
  const admin = createDatabase({ url: urlForDatabase('mysql'), connectionLimit: 1 });
  await admin.pool.query(`CREATE DATABASE IF NOT EXISTS \`${dbName}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await admin.close();
  const database = createDatabase({ url, queryTimeoutMs: 600_000 });
  await migrate(database);
  const have = await counts(database).catch(() => ({ liquidations: -1, candles1m: -1, symbols: -1 }));
  const want1m = shapeSeed.symbols * shapeSeed.days * 1440;
  if (have.liquidations === liquidations && have.candles1m === want1m && have.symbols === shapeSeed.symbols) {
    log(`database ${dbName}: reusing ${liquidations.toLocaleString('en')} liquidations, ${want1m} 1m candles`);
    return { url, database, liquidations, reused: true, seedSeconds: 0 };
  }
  log(
    `database ${dbName}: seeding ${shapeSeed.symbols} symbols × ${shapeSeed.days} days of candles and ${liquidations.toLocaleString('en')} liquidations (minutes for millions)`,
  );
  const started = performance.now();
  let lastLine = 0;
  await seed(database, {
    ...shapeSeed,
    liquidations,
    onProgress: (p) => {
      const now = performance.now();
      if (now - lastLine > 5000 || p.done === p.total) {
        lastLine = now;
        log(`  seed ${p.table}: ${p.done.toLocaleString('en')}/${p.total.toLocaleString('en')}`);
      }
    },
  });
  return { url, database, liquidations, reused: false, seedSeconds: (performance.now() - started) / 1000 };
}
