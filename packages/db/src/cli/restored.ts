import { createDatabase, withConnection } from '../client.ts';
import { rebaseSeriesHeads } from '../series-heads.ts';

/*
 * After a backup was restored (or a dump loaded) into Wick's database: its series heads hold the
 * revs of when the backup was taken, below what a running cache holds, which would then ignore the
 * next writes' advances. Moves every head above the database clock (rebaseSeriesHeads). It does not
 * migrate: a dump of some tables only would make the migrations' CREATE TABLEs fail before the rebase.
 */
const database = createDatabase();
try {
  const moved = await withConnection(database, (conn) => rebaseSeriesHeads(conn));
  console.log(`series heads  ${moved} rebased above the database clock: the next write of each series is not tail-only`);
} catch (err) {
  const message = err instanceof Error ? err.message : String(err);
  // A dump from before the table existed: the schema is brought up to date first.
  const hint = /series_heads.*doesn't exist/i.test(message) ? ' (run `pnpm db:migrate` first)' : '';
  console.error(`${message}${hint}`);
  process.exitCode = 1;
} finally {
  await database.close();
}
