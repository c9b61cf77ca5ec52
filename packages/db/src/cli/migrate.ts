import { createDatabase } from '../client.ts';
import { migrate } from '../migrate.ts';

const database = createDatabase();
try {
  const started = performance.now();
  await migrate(database);
  const tables = await database.pool.query('SELECT COUNT(*) AS n FROM __drizzle_migrations');
  const n = (tables[0] as { n: number }[])[0]?.n ?? 0;
  console.log(`migrations up to date (${n} applied) in ${Math.round(performance.now() - started)} ms`);
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
} finally {
  await database.close();
}
