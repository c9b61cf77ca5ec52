// Health under a saturated DB pool, on a real server and real MariaDB: the DB is pinged on its own
// connection, so a pool with requests queueing reads `degraded` (answering), never `down`, while a
// ping through the pool is still waiting in that queue. (MySQL cut → `down`: degraded.test.ts.)
// Order of events and states only, never time.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWick, type Wick } from '@wick/server/testing';

let wick: Wick;
beforeAll(async () => {
  wick = await startWick('robust_health');
});
afterAll(async () => {
  await wick?.close();
});

describe('health with the DB pool saturated', () => {
  it('says degraded (answering) while requests queue for a connection; up again once they drain', async () => {
    const { server } = wick;
    expect((await wick.client.health.query()).db).toMatchObject({ ok: true, state: 'up', via: 'dedicated' });

    // Every pooled connection busy for seconds, and more waiting for one: real load on the pool.
    expect(server.database.poolStats().queued).toBe(0);
    const busy = Array.from({ length: 30 }, () => server.database.pool.query('SELECT SLEEP(3)'));
    for (let i = 0; i < 200 && server.database.poolStats().queued === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(server.database.poolStats().queued).toBeGreaterThan(0);

    // What the old health did: a ping through the pool, which now waits behind the queue.
    let pooledPing: 'waiting' | 'answered' = 'waiting';
    const pooled = server.database.ping().then(() => {
      pooledPing = 'answered';
    });

    const viaProcedure = await wick.client.health.query();
    const res = await fetch(`${wick.url}/health`);
    const viaHttp = (await res.json()) as typeof viaProcedure;
    // Both answered while the pooled ping was still queued: health did not wait for the pool.
    expect(pooledPing).toBe('waiting');
    expect(server.database.poolStats().queued).toBeGreaterThan(0);
    for (const report of [viaProcedure, viaHttp]) {
      expect(report.ok).toBe(true);
      expect(report.status).toBe('degraded');
      expect(report.db).toMatchObject({ ok: true, state: 'degraded', via: 'dedicated' });
      expect(report.db.pool.queued).toBeGreaterThan(0);
    }
    expect(res.status).toBe(200);

    await Promise.all(busy);
    await pooled;
    expect(pooledPing).toBe('answered');
    const after = await wick.client.health.query();
    expect(after.db).toMatchObject({ ok: true, state: 'up' });
    expect(after.status).toBe('ok');
  });
});
