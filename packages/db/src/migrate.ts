import { fileURLToPath } from 'node:url';
import { drizzle } from 'drizzle-orm/mysql2';
import { migrate as drizzleMigrate } from 'drizzle-orm/mysql2/migrator';
import { withConnection, type Database } from './client.ts';
import { DbError, toDbError } from './errors.ts';

export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../drizzle', import.meta.url));

/**
 * Applies the committed drizzle-kit migrations; a no-op when up to date. A named server lock
 * serialises concurrent callers (two servers starting at once), since MySQL DDL cannot be rolled
 * back by a transaction. The migrations run on the session holding the lock: a pool of one
 * connection would otherwise wait forever for a second.
 */
export async function migrate(database: Database): Promise<void> {
  await withConnection(database, async (conn) => {
    const [rows] = await conn.query("SELECT GET_LOCK('wick_migrate', 60) AS got");
    const got = (rows as { got: number | null }[])[0]?.got;
    if (got !== 1) throw new DbError('could not take the wick_migrate lock within 60 s');
    try {
      await drizzleMigrate(drizzle({ client: conn }), { migrationsFolder: MIGRATIONS_FOLDER });
    } catch (err) {
      throw toDbError(err);
    } finally {
      await conn.query("SELECT RELEASE_LOCK('wick_migrate')");
    }
  });
}
