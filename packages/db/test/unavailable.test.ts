import { createServer, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createDatabase, DbUnavailableError, listSymbols, urlForDatabase } from '../src/index.ts';

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

describe('unavailable database', () => {
  it('a server that is not there gives DbUnavailableError', async () => {
    const db = createDatabase({ url: `mysql://root@127.0.0.1:${await closedPort()}/wick`, connectTimeoutMs: 500 });
    try {
      await expect(db.ping()).rejects.toBeInstanceOf(DbUnavailableError);
      await expect(listSymbols(db)).rejects.toBeInstanceOf(DbUnavailableError);
    } finally {
      await db.close();
    }
  });

  it('a server that accepts but never answers gives DbUnavailableError after the connect timeout', async () => {
    const sockets: Socket[] = [];
    const server = createServer((s) => sockets.push(s));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    const db = createDatabase({ url: `mysql://root@127.0.0.1:${port}/wick`, connectTimeoutMs: 300 });
    try {
      await expect(db.ping()).rejects.toBeInstanceOf(DbUnavailableError);
    } finally {
      await db.close();
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it('a full pool queue gives DbUnavailableError', async () => {
    const db = createDatabase({ url: urlForDatabase('mysql'), connectionLimit: 1, queueLimit: 1 });
    const held = await db.pool.getConnection();
    try {
      const queued = db.ping();
      await expect(db.ping()).rejects.toBeInstanceOf(DbUnavailableError);
      expect(db.poolStats()).toEqual({ total: 1, idle: 0, inUse: 1, queued: 1 });
      held.release();
      await queued;
    } finally {
      await db.close();
    }
  });
});
