import mysql from 'mysql2/promise';
import { createDatabase, DEFAULT_DATABASE_URL, type Database, type DbOptions } from './client.ts';
import { InvalidQueryError, toDbError } from './errors.ts';
import { migrate } from './migrate.ts';

export type TestDatabase = Database & { drop(): Promise<void> };

/** The server URL (DATABASE_URL or the default) with its database part replaced by `name`. */
export function urlForDatabase(name: string, base = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL): string {
  const url = new URL(base);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * Creates database `name` afresh (dropping a leftover one), migrates it and returns a Database on
 * it; drop() closes the pool and drops the database. For tests: pick a name unique to the test.
 */
export async function createTestDatabase(name: string, options: Omit<DbOptions, 'url'> = {}): Promise<TestDatabase> {
  if (!/^[a-z0-9_]{1,64}$/.test(name)) throw new InvalidQueryError(`test database name must match [a-z0-9_]{1,64}: ${name}`);
  const adminUrl = new URL(urlForDatabase(''));
  let admin: mysql.Connection;
  try {
    admin = await mysql.createConnection({ uri: adminUrl.toString(), connectTimeout: 5000 });
  } catch (err) {
    throw toDbError(err);
  }
  try {
    await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
    await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  } finally {
    await admin.end();
  }
  const database = createDatabase({ ...options, url: urlForDatabase(name) });
  await migrate(database);
  return Object.assign(database, {
    async drop() {
      await database.close().catch(() => undefined);
      const conn = await mysql.createConnection({ uri: adminUrl.toString(), connectTimeout: 5000 });
      try {
        await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
      } finally {
        await conn.end();
      }
    },
  });
}
