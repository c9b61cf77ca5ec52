// Live push through a Valkey primary failover, on a PRIVATE cluster (ports 7180+, never the shared
// one): kill -9 the primary that owns the series' slot while ingest on A goes on; the subscriber on B
// stays connected, is told of the gap, catches up from the stream and ends with every write. Run
// under `flock /tmp/wick-itest.lock`. Asserts states, order and content; never time.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { CandleLiveEvent } from '@wick/api';
import { fixtureCandles, MINUTE, spawnServer, startWick, T0, type ServerProcess, type Wick } from '@wick/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collector, liveClient, metricValue, until } from './live-subscriber.ts';

const BASE = Number(process.env.LIVE_FAILURE_PORT_BASE ?? 7180);
const NODES = Array.from({ length: 6 }, (_, i) => `127.0.0.1:${BASE + i}`).join(',');
const root = fileURLToPath(new URL('../../../', import.meta.url));
const services = (cmd: 'valkey-up' | 'valkey-down') =>
  execFileSync('bash', ['scripts/services.sh', cmd], {
    cwd: root,
    env: { ...process.env, VALKEY_PORT_BASE: String(BASE) },
    stdio: 'ignore',
    timeout: 90_000,
  });
const cli = (port: number, ...args: string[]) =>
  execFileSync('valkey-cli', ['-p', String(port), ...args], { encoding: 'utf8', timeout: 10_000 });

let wick: Wick;
let b: ServerProcess;

/** Every primary has a replica in sync: a failover has somewhere to go. */
function replicasSynced(): boolean {
  try {
    const roles = Array.from({ length: 6 }, (_, i) => cli(BASE + i, 'info', 'replication'));
    const replicas = roles.filter((r) => r.includes('role:slave'));
    return replicas.length === 3 && replicas.every((r) => r.includes('master_link_status:up'));
  } catch {
    return false;
  }
}

/** The port of the primary serving the slot of `tag` (e.g. "{BTCUSDT:1m}"). */
function primaryOf(tag: string): number {
  const slot = Number(cli(BASE, 'cluster', 'keyslot', tag).trim());
  for (const line of cli(BASE, 'cluster', 'nodes').split('\n')) {
    const parts = line.trim().split(' ');
    if (!parts[2]?.includes('master') || parts[2].includes('fail')) continue;
    for (const range of parts.slice(8)) {
      const [lo, hi = lo] = range.split('-').map(Number) as [number, number?];
      if (slot >= lo && slot <= hi!) return Number(parts[1]!.split(':')[1]!.split('@')[0]);
    }
  }
  throw new Error(`no primary serves ${tag}`);
}

beforeAll(async () => {
  services('valkey-down');
  services('valkey-up');
  for (let i = 0; i < 240 && !replicasSynced(); i++) await sleep(250);
  expect(replicasSynced()).toBe(true);
  wick = await startWick('live_failure', { env: { VALKEY_NODES: NODES, CACHE_TIMEOUT_MS: '500' } });
  b = await spawnServer({ ...wick.env });
}, 240_000);

afterAll(async () => {
  await b?.stop();
  await wick?.close();
  services('valkey-down');
}, 120_000);

describe('live push through a Valkey failover', () => {
  it('kill -9 of the primary owning the series: the stream on B stays open and ends with every write', async () => {
    const base = fixtureCandles('BTCUSDT', 1, T0)[0]!;
    await wick.ingest.candles.ingest.mutate({ symbol: 'BTCUSDT', interval: '1m', candles: [{ ...base, time: T0 }] });
    const c = collector<CandleLiveEvent>();
    const sub = liveClient(b.url).candles.live.subscribe({ symbol: 'BTCUSDT', interval: '1m' }, c.handlers());
    await until(() => c.events.length >= 1, 'the snapshot');

    // Ingest the open candle over and over (a new minute every 10 writes), retrying what the outage refuses.
    let stop = false;
    let writes = 0;
    let refused = 0;
    const feeding = (async () => {
      while (!stop) {
        const k = writes;
        const close = Math.round((base.open + k) * 100) / 100;
        const candle = {
          time: T0 + Math.floor(k / 10) * MINUTE,
          open: base.open,
          high: close + 1,
          low: Math.min(base.open, close) - 1,
          close,
          volume: 1 + k,
        };
        try {
          await wick.ingest.candles.ingest.mutate({ symbol: 'BTCUSDT', interval: '1m', candles: [candle] });
          writes += 1;
        } catch {
          refused += 1;
          await sleep(100);
        }
        await sleep(20);
      }
    })();

    await until(() => c.events.length >= 15, 'events before the kill');
    const victim = primaryOf('{BTCUSDT:1m}');
    const pid = Number(readFileSync(`${root}.services/valkey/${victim}/valkey.pid`, 'utf8'));
    process.kill(pid, 'SIGKILL');
    const atKill = c.events.length;
    // Recovered: B noticed the gap, and events flow again afterwards.
    await until(() => c.events.length >= atKill + 15, 'events after the failover', 2400);
    stop = true;
    await feeding;
    const lastWrite = writes - 1;
    await until(() => c.events.at(-1)?.data.candles.volume.at(-1) === 1 + lastWrite, 'the last write on B', 2400);
    sub.unsubscribe();

    // Connected throughout: one connection, never back to connecting, no error.
    expect(c.error).toBeUndefined();
    expect(c.states.filter((s) => s === 'connecting')).toHaveLength(1);
    expect(await metricValue(b.url, 'wick_live_gaps_total')).toBeGreaterThan(0);
    // Ids only ever increase; the events applied in order are the stored series.
    const ids = c.events.map((e) => e.id!).filter(Boolean);
    expect(ids.every((id, i) => i === 0 || compare(ids[i - 1]!, id) < 0)).toBe(true);
    const state = new Map<number, number[]>();
    for (const e of c.events) e.data.candles.time.forEach((t, i) => state.set(t, [e.data.candles.close[i]!, e.data.candles.volume[i]!]));
    const range = await wick.client.candles.range.query({ symbol: 'BTCUSDT', interval: '1m', limit: 30 });
    range.candles.time.forEach((t, i) => {
      if (t >= T0) expect([t, ...state.get(t)!]).toEqual([t, range.candles.close[i], range.candles.volume[i]]);
    });
    console.log(
      `live failover: ${writes} writes (${refused} refused during the outage), ${c.events.length} events on B, ${atKill} before the kill`,
    );
  }, 300_000);
});

function compare(a: string, b: string): number {
  const [am, as] = a.split('-').map(BigInt) as [bigint, bigint];
  const [bm, bs] = b.split('-').map(BigInt) as [bigint, bigint];
  return am === bm ? Number(as - bs) : am < bm ? -1 : 1;
}
