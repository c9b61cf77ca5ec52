import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { drizzle, type MySql2Database } from 'drizzle-orm/mysql2';
import mysql, { type Pool, type PoolOptions } from 'mysql2/promise';
import { z } from 'zod';
import { DbError, InvalidQueryError, toDbError } from './errors.ts';
import * as schema from './schema.ts';

export const DEFAULT_DATABASE_URL = 'mysql://root@127.0.0.1:3306/wick';

export interface DbOptions {
  url?: string;
  connectionLimit?: number;
  queueLimit?: number;
  connectTimeoutMs?: number;
  /** Applied to every query this package issues itself (not to streams, which may run for minutes). */
  queryTimeoutMs?: number;
}

export interface PoolStats {
  total: number;
  idle: number;
  inUse: number;
  queued: number;
}

export interface Database {
  db: MySql2Database<typeof schema>;
  pool: Pool;
  poolStats(): PoolStats;
  ping(): Promise<void>;
  close(): Promise<void>;
}

interface Settings {
  url: string;
  connectionLimit: number;
  queueLimit: number;
  connectTimeoutMs: number;
  queryTimeoutMs: number;
}

const optionsSchema = z.object({
  url: z.string().min(1),
  connectionLimit: z.number().int().min(1).max(1000),
  queueLimit: z.number().int().min(0).max(1_000_000),
  connectTimeoutMs: z.number().int().min(1).max(600_000),
  queryTimeoutMs: z.number().int().min(1).max(3_600_000),
});

function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n)) throw new InvalidQueryError(`${name} must be an integer, got ${raw}`);
  return n;
}

function resolveSettings(options: DbOptions): Settings {
  const parsed = optionsSchema.safeParse({
    url: options.url ?? process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL,
    connectionLimit: options.connectionLimit ?? envInt('DB_CONNECTION_LIMIT', 10),
    queueLimit: options.queueLimit ?? envInt('DB_QUEUE_LIMIT', 100),
    connectTimeoutMs: options.connectTimeoutMs ?? envInt('DB_CONNECT_TIMEOUT_MS', 1000),
    queryTimeoutMs: options.queryTimeoutMs ?? envInt('DB_QUERY_TIMEOUT_MS', 10_000),
  });
  if (!parsed.success) throw new InvalidQueryError(`invalid database options: ${parsed.error.message}`);
  return parsed.data;
}

// LOAD DATA LOCAL lets the *server* name the file to send; only names this process registered
// for its own LOAD DATA statement are answered (a file, or a generated stream).
type InfileSource = () => Readable;
const allowedInfiles = new Map<string, InfileSource>();
export function allowInfile(name: string, source: InfileSource = () => createReadStream(name)): () => void {
  allowedInfiles.set(name, source);
  return () => allowedInfiles.delete(name);
}
function infileStreamFactory(name: string): Readable {
  const source = allowedInfiles.get(name);
  if (!source) throw new DbError(`server asked for unregistered local file ${name}`);
  return source();
}

/** Internal per-Database state that is not part of the public face. */
export interface DatabaseInternals {
  settings: Settings;
  symbolIds: Map<string, number>;
  symbolNames: Map<number, string>;
}
const internals = new WeakMap<Database, DatabaseInternals>();
export function internalsOf(database: Database): DatabaseInternals {
  const found = internals.get(database);
  if (!found) throw new DbError('not a Database created by createDatabase()');
  return found;
}

export function poolOptions(settings: Settings): PoolOptions {
  return {
    uri: settings.url,
    connectionLimit: settings.connectionLimit,
    maxIdle: settings.connectionLimit,
    queueLimit: settings.queueLimit,
    connectTimeout: settings.connectTimeoutMs,
    waitForConnections: true,
    enableKeepAlive: true,
    charset: 'utf8mb4',
    timezone: 'Z',
    // Standard affected-rows semantics: an ON DUPLICATE KEY UPDATE that changes nothing counts 0.
    flags: ['-FOUND_ROWS'],
    infileStreamFactory,
  };
}

export function createDatabase(options: DbOptions = {}): Database {
  const settings = resolveSettings(options);
  const pool = mysql.createPool(poolOptions(settings));
  const core = pool.pool as unknown as {
    _allConnections: { length: number };
    _freeConnections: { length: number };
    _connectionQueue: { length: number };
  };
  const database: Database = {
    db: drizzle({ client: pool, schema, mode: 'default' }),
    pool,
    poolStats() {
      const total = core._allConnections.length;
      const idle = core._freeConnections.length;
      return { total, idle, inUse: total - idle, queued: core._connectionQueue.length };
    },
    async ping() {
      try {
        await pool.query({ sql: 'SELECT 1', timeout: settings.queryTimeoutMs });
      } catch (err) {
        throw toDbError(err);
      }
    },
    async close() {
      await pool.end();
    },
  };
  internals.set(database, { settings, symbolIds: new Map(), symbolNames: new Map() });
  return database;
}

/** Runs a query with the configured timeout, mapping driver errors to named ones. */
export async function query<T>(database: Database, sql: string, values: unknown[] = [], opts: { rowsAsArray?: boolean } = {}): Promise<T> {
  const { settings } = internalsOf(database);
  try {
    const [rows] = await database.pool.query({
      sql,
      values,
      timeout: settings.queryTimeoutMs,
      rowsAsArray: opts.rowsAsArray ?? false,
    });
    return rows as T;
  } catch (err) {
    throw toDbError(err);
  }
}

export async function withConnection<T>(database: Database, fn: (conn: mysql.PoolConnection) => Promise<T>): Promise<T> {
  let conn: mysql.PoolConnection;
  try {
    conn = await database.pool.getConnection();
  } catch (err) {
    throw toDbError(err);
  }
  try {
    return await fn(conn);
  } catch (err) {
    throw toDbError(err);
  } finally {
    conn.release();
  }
}

export async function inTransaction<T>(database: Database, fn: (conn: mysql.PoolConnection) => Promise<T>): Promise<T> {
  return withConnection(database, async (conn) => {
    await conn.beginTransaction();
    try {
      const out = await fn(conn);
      await conn.commit();
      return out;
    } catch (err) {
      await conn.rollback().catch(() => undefined);
      throw err;
    }
  });
}
