import { createDatabase, withConnection } from '../client.ts';
import { migrate } from '../migrate.ts';
import { rebaseSeriesHeads } from '../series-heads.ts';

/*
 * After a backup was restored (or a dump loaded) into Wick's database: its series heads hold the
 * revs of when the backup was taken, below what a running cache holds, which would then ignore the
 * next writes' advances. Moves every head above the database clock (rebaseSeriesHeads).
 */
const database = createDatabase();
try {
  // A dump from an older schema is brought up to date first, as the seed does.
  await migrate(database);
  const moved = await withConnection(database, (conn) => rebaseSeriesHeads(conn));
  console.log(`series heads  ${moved} rebased above the database clock: the next write of each series is not tail-only`);
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
} finally {
  await database.close();
}
