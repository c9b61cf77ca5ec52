// Event listeners per response and on the process's shared emitters, through a real server: a gzip
// export (whose stream pipeline adds five close listeners of its own to the response), many live
// subscriptions opened and closed, and plain queries never pass Node's limit of ten per emitter
// (no MaxListenersExceededWarning), and nothing is left behind once the streams are gone. Counts only.
import type { EventEmitter } from 'node:events';
import { request, type IncomingMessage, type ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { gunzipSync } from 'node:zlib';
import { startWick, type Wick } from '@wick/server/testing';
import superjson from 'superjson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const STREAMS = 60;

let wick: Wick;
const warnings: Error[] = [];
const onWarning = (w: Error) => {
  if (w.name === 'MaxListenersExceededWarning') warnings.push(w);
};
/** The most close listeners any response had, sampled when it finished (or, for a stream, while open). */
let maxCloseListeners = 0;
const open = new Set<ServerResponse>();

beforeAll(async () => {
  process.on('warning', onWarning);
  wick = await startWick('robust_listeners', { env: { LIVE_MAX_STREAMS_PER_CLIENT: String(STREAMS + 10) } });
  wick.server.server.prependListener('request', (_req: IncomingMessage, res: ServerResponse) => {
    open.add(res);
    // 'finish', not 'close': a probe must not add to what it counts.
    res.once('finish', () => {
      maxCloseListeners = Math.max(maxCloseListeners, res.listenerCount('close'));
      open.delete(res);
    });
  });
}, 120_000);
afterAll(async () => {
  process.off('warning', onWarning);
  await wick?.close();
});

/** Listener counts of every event on an emitter, for a before/after comparison. */
function listenerCounts(emitter: EventEmitter): Record<string, number> {
  return Object.fromEntries(emitter.eventNames().map((e) => [String(e), emitter.listenerCount(e)]));
}

function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    request(`${wick.url}${path}`, { headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
    })
      .on('error', reject)
      .end();
  });
}

/** Opens a candles.live stream, waits for its `connected` event, then leaves (the socket closes). */
function subscribeAndLeave(): Promise<void> {
  const input = encodeURIComponent(JSON.stringify(superjson.serialize({ symbol: 'BTCUSDT', interval: '1m' })));
  return new Promise((resolve, reject) => {
    const req = request(
      `${wick.url}/trpc/candles.live?input=${input}`,
      { headers: { accept: 'text/event-stream' }, agent: false },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => {
          text += c.toString('utf8');
          if (text.includes('event: connected')) {
            for (const r of open) maxCloseListeners = Math.max(maxCloseListeners, r.listenerCount('close'));
            req.destroy();
            resolve();
          }
        });
      },
    );
    req.on('error', (err) => (req.destroyed ? undefined : reject(err)));
    req.end();
  });
}

describe('listeners per response and on shared emitters', () => {
  it('a gzip export, many live subscriptions and plain queries: no MaxListenersExceededWarning, nothing left behind', async () => {
    const server = wick.server.server;
    const before = { server: listenerCounts(server), process: listenerCounts(process) };

    for (let i = 0; i < 4; i++) {
      const gz = await get('/export/liquidations.csv', { 'accept-encoding': 'gzip' });
      expect(gz.status).toBe(200);
      expect(gunzipSync(gz.body).toString('utf8').split(/\r?\n/)[0]).toMatch(/^[a-z_]+(,[a-z_]+)+$/);
      expect((await get('/export/liquidations.ndjson')).status).toBe(200);
    }
    for (let round = 0; round < 3; round++) await Promise.all(Array.from({ length: STREAMS / 3 }, () => subscribeAndLeave()));
    const queries = await Promise.all(Array.from({ length: 20 }, () => get('/trpc/symbols.list')));
    expect(queries.every((q) => q.status === 200)).toBe(true);

    // Every stream the server saw has ended on its side too (the live hub let go of each).
    for (let i = 0; i < 200 && wick.server.live.metrics.counts.open.candles > 0; i++) await sleep(25);
    expect(wick.server.live.metrics.counts.open.candles).toBe(0);

    expect(warnings.map((w) => w.message)).toEqual([]);
    expect(maxCloseListeners).toBeGreaterThan(0);
    expect(maxCloseListeners).toBeLessThanOrEqual(10);
    expect({ server: listenerCounts(server), process: listenerCounts(process) }).toEqual(before);
  });
});
