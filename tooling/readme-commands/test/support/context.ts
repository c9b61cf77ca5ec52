import { createDatabase, urlForDatabase, type Database } from '@wick/db';
import { expect } from 'vitest';
import { REPO_ROOT, userEnv } from '../../src/environment.ts';
import { progress } from '../../src/progress.ts';
import { normalized, type ReadmeCommand } from '../../src/readme-commands.ts';
import { runToEnd, ShellProcess, tail, type Finished } from '../../src/shell-process.ts';

/** A database, cache namespace and keys no other test uses. */
export const DB_NAME = 'wick_readme';
/**
 * One namespace per run: the database is created afresh each run, and its series revisions restart at 1,
 * which a cache still holding an earlier run's (higher) heads would take for old writes and ignore.
 */
export const CACHE_PREFIX = `readme_cmds_${Date.now().toString(36)}`;
export const INGEST_KEY = 'readme-ingest-key';
export const ADMIN_KEY = 'readme-admin-key';
/** The commands' URLs say 127.0.0.1:3000, so the servers they talk to listen there. */
export const BASE = 'http://127.0.0.1:3000';

/** The environment every command runs with: a user's, pointed at the test's database and cache namespace. */
export function commandEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  return userEnv({
    DATABASE_URL: urlForDatabase(DB_NAME),
    CACHE_PREFIX,
    HOST: '127.0.0.1',
    PORT: '3000',
    INGEST_API_KEYS: INGEST_KEY,
    ADMIN_API_KEYS: ADMIN_KEY,
    ...extra,
  });
}

/**
 * README writes `<ingest key>` where a user puts their own: the test puts the key its server
 * accepts (INGEST_KEY). Nothing else of the text changes.
 */
export function withPlaceholders(text: string): string {
  return text.replace(/<ingest key>/g, INGEST_KEY);
}

/** Runs the command text as written (placeholders filled) from the repo root, to its end. */
export async function runExact(cmd: ReadmeCommand, opts: { timeoutMs: number; env?: NodeJS.ProcessEnv }): Promise<Finished> {
  const text = withPlaceholders(cmd.text);
  const started = performance.now();
  progress(`$ ${normalized(text)}`);
  const done = await runToEnd(text, { cwd: REPO_ROOT, env: opts.env ?? commandEnv(), timeoutMs: opts.timeoutMs });
  progress(`  exit ${done.code ?? done.signal} after ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return done;
}

/** Starts a command that runs until stopped (a server, a feed, a dev server). */
export function startExact(cmd: ReadmeCommand | string, env: NodeJS.ProcessEnv = commandEnv()): ShellProcess {
  const text = withPlaceholders(typeof cmd === 'string' ? cmd : cmd.text);
  progress(`$ ${normalized(text)}   (runs until stopped)`);
  return new ShellProcess(text, { cwd: REPO_ROOT, env });
}

/** Exit code 0, else the output's tail in the failure. */
export function expectSuccess(done: Finished, text: string): void {
  expect(done.code, `\`${normalized(text)}\` failed (exit ${done.code ?? done.signal}):\n${tail(done.output)}`).toBe(0);
}

let database: Database | null = null;

/** The test database, to assert what the commands wrote. */
export function testDatabase(): Database {
  database ??= createDatabase({ url: urlForDatabase(DB_NAME) });
  return database;
}

export async function closeTestDatabase(): Promise<void> {
  await database?.close();
  database = null;
}

/** Creates the test database empty (the commands migrate it), dropping a leftover one. */
export async function freshTestDatabase(): Promise<void> {
  await closeTestDatabase();
  const admin = createDatabase({ url: urlForDatabase('') });
  try {
    await admin.pool.query(`DROP DATABASE IF EXISTS \`${DB_NAME}\``);
    await admin.pool.query(`CREATE DATABASE \`${DB_NAME}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  } finally {
    await admin.close();
  }
}

export async function dropTestDatabase(): Promise<void> {
  await closeTestDatabase();
  const admin = createDatabase({ url: urlForDatabase('') });
  try {
    await admin.pool.query(`DROP DATABASE IF EXISTS \`${DB_NAME}\``);
  } finally {
    await admin.close();
  }
}

/** One number from a query. */
export async function count(sql: string, values: unknown[] = []): Promise<number> {
  const [rows] = await testDatabase().pool.query({ sql, values, rowsAsArray: true });
  return Number((rows as unknown[][])[0]![0]);
}
