import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouterOutputs } from '@wick/api';
import { errorCode, startWick, type Wick } from '@wick/server/testing';

type Row = RouterOutputs['liquidations']['list']['rows'][number];
type Filter = { symbol?: string; side?: 'BUY' | 'SELL'; from?: number; to?: number; minUsd?: number };

const SECRET = 'liquidations-test-cursor-secret';
const BASE = Date.UTC(2024, 0, 1);
const COUNT = 1500;
let wick: Wick;
let nextId = 1;
const symbolIds = new Map<string, number>();

/**
 * Fixture rows: 5 per millisecond (ties on order_trade_time across symbols and sides), prices with
 * 2 decimals and quantities with 3, so USD is exact at the stored scale. Ids are given so inserts
 * made during a walk are known exactly.
 */
function fixtureRow(i: number, time: number): unknown[] {
  const symbolId = symbolIds.get(i % 3 === 0 ? 'ETHUSDT' : 'BTCUSDT')!;
  const side = i % 2 === 0 ? 'SELL' : 'BUY';
  const cents = (i % 3 !== 0 ? 4_200_000 : 230_000) + ((i * 7919) % 50_000);
  const milli = 1 + ((i * 104_729) % 20_000);
  const price = (cents / 100).toFixed(2);
  const qty = (milli / 1000).toFixed(3);
  return [nextId++, symbolId, side, 'LIMIT', 'IOC', qty, price, price, 'FILLED', qty, qty, time];
}

async function insert(rows: unknown[][]): Promise<void> {
  await wick.database.pool.query(
    'INSERT INTO liquidation_orders (id, symbol_id, side, order_type, time_in_force, original_quantity, price,' +
      ' average_price, order_status, last_fill_quantity, accumulated_fill_quantity, order_trade_time) VALUES ?',
    [rows],
  );
}

/** Every row straight from the database, names joined, newest first: the ground truth. */
async function allRows(): Promise<Row[]> {
  const [rows] = await wick.database.pool.query(
    `SELECT l.id, s.name AS symbol, l.side, l.order_type AS orderType, l.time_in_force AS timeInForce,
            l.original_quantity AS originalQuantity, l.price, l.average_price AS averagePrice,
            l.order_status AS orderStatus, l.last_fill_quantity AS lastFillQuantity,
            l.accumulated_fill_quantity AS accumulatedFillQuantity, l.order_trade_time AS orderTradeTime,
            CAST(l.average_price * l.accumulated_fill_quantity AS DECIMAL(44,10)) AS usd
       FROM liquidation_orders l JOIN symbols s ON s.id = l.symbol_id`,
  );
  return (rows as Row[]).sort((a, b) => b.orderTradeTime - a.orderTradeTime || b.id - a.id);
}

/** Exact decimal string → integer at scale 10. */
function scaled(s: string): bigint {
  const [int, frac = ''] = s.split('.');
  const neg = int!.startsWith('-');
  const v = BigInt(int!.replace('-', '') + frac.padEnd(10, '0').slice(0, 10));
  return neg ? -v : v;
}

/** USD computed in TypeScript, exactly: average_price × accumulated_fill_quantity at scale 20. */
function usd20(r: Row): bigint {
  return scaled(r.averagePrice) * scaled(r.accumulatedFillQuantity);
}

function matches(r: Row, f: Filter): boolean {
  if (f.symbol !== undefined && r.symbol !== f.symbol) return false;
  if (f.side !== undefined && r.side !== f.side) return false;
  if (f.from !== undefined && r.orderTradeTime < f.from) return false;
  if (f.to !== undefined && r.orderTradeTime > f.to) return false;
  if (f.minUsd !== undefined && usd20(r) < BigInt(f.minUsd) * 10n ** 20n) return false;
  return true;
}

async function walk(filter: Filter, limit: number, onPage?: (page: number, last: Row) => Promise<void>): Promise<Row[]> {
  const out: Row[] = [];
  let cursor: string | undefined;
  for (let page = 1; ; page++) {
    const r = await wick.client.liquidations.list.query({ ...filter, limit, ...(cursor ? { cursor } : {}) });
    expect(r.rows.length).toBeLessThanOrEqual(limit);
    out.push(...r.rows);
    if (r.nextCursor === null) return out;
    expect(r.rows).toHaveLength(limit);
    cursor = r.nextCursor;
    if (onPage) await onPage(page, r.rows[r.rows.length - 1]!);
    if (page > 10_000) throw new Error('walk does not end');
  }
}

const ids = (rows: Row[]) => rows.map((r) => r.id);

beforeAll(async () => {
  wick = await startWick('liq', { env: { CURSOR_SECRET: SECRET } });
  const [symbols] = await wick.database.pool.query('SELECT id, name FROM symbols');
  for (const s of symbols as { id: number; name: string }[]) symbolIds.set(s.name, s.id);
  const rows: unknown[][] = [];
  for (let i = 0; i < COUNT; i++) rows.push(fixtureRow(i, BASE - 600_000 + Math.floor(i / 5) * 1000));
  await insert(rows);
});
afterAll(() => wick?.close());

describe('liquidations.list', () => {
  it('a walk visits every row once, newest first, through ties, with rows inserted during the walk', async () => {
    const before = await allRows();
    const initial = new Set(ids(before));
    let cursorAtInsert: Row | null = null;
    const inserted: number[] = [];
    const walked = await walk({}, 7, async (page, last) => {
      if (page !== 20) return;
      cursorAtInsert = last;
      const t = last.orderTradeTime;
      const fresh = [
        fixtureRow(90_001, BASE + 3_600_000), // newer than everything: before the cursor, never visited
        fixtureRow(90_002, t), // a tie with the cursor row but a larger id: sorts before it, not visited
        fixtureRow(90_003, t - 1), // just behind the cursor: visited
        fixtureRow(90_004, BASE - 3_600_000), // older than everything: visited last
      ];
      inserted.push(...fresh.map((r) => r[0] as number));
      await insert(fresh);
    });
    const c = cursorAtInsert!;
    expect(c).not.toBeNull();
    const after = await allRows();
    const expected = after.filter(
      (r) => initial.has(r.id) || r.orderTradeTime < c.orderTradeTime || (r.orderTradeTime === c.orderTradeTime && r.id < c.id),
    );
    expect(new Set(ids(walked)).size).toBe(walked.length);
    expect(ids(walked)).toEqual(ids(expected));
    expect(walked).toEqual(expected);
    expect(ids(walked)).toContain(inserted[2]);
    expect(ids(walked)).toContain(inserted[3]);
    expect(ids(walked)).not.toContain(inserted[0]);
    expect(ids(walked)).not.toContain(inserted[1]);
  });

  it('every filter combination agrees with a brute-force query', async () => {
    const truth = await allRows();
    const mid = BASE - 400_000;
    const symbols = [undefined, 'BTCUSDT', 'ETHUSDT'];
    const sides = [undefined, 'BUY', 'SELL'] as const;
    const ranges = [{}, { from: mid - 60_000, to: mid + 60_000 }, { from: mid }, { to: mid }];
    const mins = [undefined, 0, 20_000];
    let combos = 0;
    for (const symbol of symbols)
      for (const side of sides)
        for (const range of ranges)
          for (const minUsd of mins) {
            const filter: Filter = { ...range };
            if (symbol) filter.symbol = symbol;
            if (side) filter.side = side;
            if (minUsd !== undefined) filter.minUsd = minUsd;
            const expected = truth.filter((r) => matches(r, filter));
            const walked = await walk(filter, 250);
            expect(ids(walked), JSON.stringify(filter)).toEqual(ids(expected));
            combos++;
          }
    expect(combos).toBe(108);
  });

  it('a page is the first `limit` rows; the last page has a null cursor; an empty result too', async () => {
    const truth = await allRows();
    const first = await wick.client.liquidations.list.query({ limit: 10 });
    expect(first.rows).toEqual(truth.slice(0, 10));
    expect(first.nextCursor).toMatch(/^[A-Za-z0-9_-]+$/);
    const all = await wick.client.liquidations.list.query({ limit: 1000, from: BASE - 600_000, to: BASE - 600_000 + 999 });
    expect(all.rows).toHaveLength(5);
    expect(all.nextCursor).toBeNull();
    const none = await wick.client.liquidations.list.query({ from: Date.UTC(2030, 0, 1) });
    expect(none).toEqual({ rows: [], nextCursor: null });
  });

  it('USD is average_price × accumulated_fill_quantity', async () => {
    const { rows } = await wick.client.liquidations.list.query({ limit: 50 });
    for (const r of rows) expect(scaled(r.usd) * 10n ** 10n).toBe(usd20(r));
  });
});

describe('cursor integrity', () => {
  async function aCursor(filter: Filter = {}) {
    const r = await wick.client.liquidations.list.query({ ...filter, limit: 5 });
    return r.nextCursor!;
  }
  const code = (p: Promise<unknown>) =>
    p.then(
      () => 'OK',
      (e: unknown) => errorCode(e),
    );

  it('a tampered cursor is BAD_REQUEST', async () => {
    const cursor = await aCursor();
    const raw = Buffer.from(cursor, 'base64url');
    for (const byte of [1, 9, 16, 25, raw.length - 1]) {
      const bad = Buffer.from(raw);
      bad[byte]! ^= 1;
      expect(await code(wick.client.liquidations.list.query({ cursor: bad.toString('base64url') }))).toBe('BAD_REQUEST');
    }
    for (const junk of ['', 'x', 'not-a-cursor', `${cursor}A`, cursor.slice(0, -2), '!'.repeat(50)]) {
      expect(await code(wick.client.liquidations.list.query({ cursor: junk })), junk).toBe('BAD_REQUEST');
    }
  });

  it('a cursor replayed with other filters is BAD_REQUEST; with the same filters and another limit it works', async () => {
    const cursor = await aCursor({ symbol: 'BTCUSDT' });
    expect(await code(wick.client.liquidations.list.query({ cursor }))).toBe('BAD_REQUEST');
    expect(await code(wick.client.liquidations.list.query({ cursor, symbol: 'ETHUSDT' }))).toBe('BAD_REQUEST');
    expect(await code(wick.client.liquidations.list.query({ cursor, symbol: 'BTCUSDT', side: 'BUY' }))).toBe('BAD_REQUEST');
    expect(await code(wick.client.liquidations.list.query({ cursor, symbol: 'BTCUSDT', minUsd: 0 }))).toBe('BAD_REQUEST');
    const ok = await wick.client.liquidations.list.query({ cursor, symbol: 'btcusdt', limit: 3 });
    expect(ok.rows).toHaveLength(3);
  });

  /** Builds a cursor the way the server does (the test knows the secret), to age it or sign it wrongly. */
  function craft(secret: string, at: { time: number; id: number }, issuedMs: number, fingerprint = '||||'): string {
    const payload = Buffer.alloc(21);
    payload.writeUInt8(1, 0);
    payload.writeBigUInt64BE(BigInt(at.time), 1);
    payload.writeBigUInt64BE(BigInt(at.id), 9);
    payload.writeUInt32BE(Math.floor(issuedMs / 1000), 17);
    const mac = createHmac('sha256', secret).update(payload).update(fingerprint).digest().subarray(0, 16);
    return Buffer.concat([payload, mac]).toString('base64url');
  }

  it('a stale cursor (older than a day) or one signed with another secret is BAD_REQUEST; a fresh one works', async () => {
    const at = { time: BASE, id: 10 ** 9 };
    const fresh = craft(SECRET, at, Date.now());
    expect((await wick.client.liquidations.list.query({ cursor: fresh, limit: 2 })).rows).toHaveLength(2);
    const stale = craft(SECRET, at, Date.now() - 25 * 3600_000);
    const err = await wick.client.liquidations.list.query({ cursor: stale }).catch((e: unknown) => e);
    expect(errorCode(err)).toBe('BAD_REQUEST');
    expect((err as Error).message).toMatch(/expired.*first page/);
    expect(await code(wick.client.liquidations.list.query({ cursor: craft('another-secret-entirely', at, Date.now()) }))).toBe(
      'BAD_REQUEST',
    );
  });
});

describe('liquidations.summary', () => {
  it('buckets equal sums computed in TypeScript over the raw rows; miss then hit', async () => {
    const truth = await allRows();
    const from = BASE - 610_000;
    const to = BASE - 1;
    for (const symbol of [undefined, 'BTCUSDT']) {
      const input = { bucket: '1m' as const, from, to, ...(symbol ? { symbol } : {}) };
      const miss = await wick.client.liquidations.summary.query(input);
      expect(miss.cache.status).toBe('miss');
      const firstBucket = Math.floor(from / 60_000) * 60_000;
      expect(miss.buckets).toHaveLength(Math.floor(to / 60_000) - Math.floor(from / 60_000) + 1);
      miss.buckets.forEach((b, i) => {
        expect(b.bucket).toBe(firstBucket + i * 60_000);
        const rows = truth.filter((r) =>
          matches(r, { from: Math.max(from, b.bucket), to: Math.min(to, b.bucket + 59_999), ...(symbol ? { symbol } : {}) }),
        );
        const sum = (side: string) => rows.filter((r) => r.side === side).reduce((s, r) => s + usd20(r), 0n);
        const exact = (v: bigint) => Number(`${v / 10n ** 20n}.${(v % 10n ** 20n).toString().padStart(20, '0')}`);
        // SELL orders liquidate longs, BUY orders shorts.
        expect(b.longCount).toBe(rows.filter((r) => r.side === 'SELL').length);
        expect(b.shortCount).toBe(rows.filter((r) => r.side === 'BUY').length);
        expect(b.longUsd).toBe(exact(sum('SELL')));
        expect(b.shortUsd).toBe(exact(sum('BUY')));
      });
      const total = miss.buckets.reduce((s, b) => s + b.longCount + b.shortCount, 0);
      expect(total).toBe(truth.filter((r) => matches(r, { from, to, ...(symbol ? { symbol } : {}) })).length);
      expect(total).toBeGreaterThan(0);
      const hit = await wick.client.liquidations.summary.query(input);
      expect(hit.cache.status).toBe('hit');
      expect(hit.buckets).toEqual(miss.buckets);
      expect(hit.totals).toEqual(miss.totals);
    }
  });

  it('too many buckets is BAD_REQUEST naming a bucket that fits', async () => {
    const err = await wick.client.liquidations.summary
      .query({ bucket: '1m', from: BASE - 3 * 86_400_000, to: BASE })
      .catch((e: unknown) => e);
    expect(errorCode(err)).toBe('BAD_REQUEST');
    expect((err as Error).message).toMatch(/4321 buckets; at most 2000.*"5m"/);
  });
});

describe('bad inputs', () => {
  const cases: [string, () => Promise<unknown>][] = [
    ['limit > 1000', () => wick.client.liquidations.list.query({ limit: 1001 })],
    ['limit 0', () => wick.client.liquidations.list.query({ limit: 0 })],
    ['minUsd < 0', () => wick.client.liquidations.list.query({ minUsd: -1 })],
    ['side', () => wick.client.liquidations.list.query({ side: 'LONG' as 'BUY' })],
    ['from > to', () => wick.client.liquidations.list.query({ from: BASE, to: BASE - 1 })],
    ['seconds, not ms', () => wick.client.liquidations.list.query({ from: 1_700_000_000 })],
    ['bucket', () => wick.client.liquidations.summary.query({ bucket: '2m' as '1m', from: BASE - 1, to: BASE })],
    ['summary from > to', () => wick.client.liquidations.summary.query({ bucket: '1h', from: BASE, to: BASE - 1 })],
    ['export minUsd', () => wick.client.liquidations.export.query({ minUsd: Number.NaN })],
  ];
  for (const [name, call] of cases) {
    it(`${name} → BAD_REQUEST`, async () => {
      const err = await call().then(
        async (it) => {
          // A streamed procedure fails when iterated.
          for await (const _ of it as AsyncIterable<unknown>) void _;
          return null;
        },
        (e: unknown) => e,
      );
      expect(errorCode(err)).toBe('BAD_REQUEST');
    });
  }

  it('an unknown symbol is NOT_FOUND', async () => {
    const err = await wick.client.liquidations.list.query({ symbol: 'NOPEUSDT' }).catch((e: unknown) => e);
    expect(errorCode(err)).toBe('NOT_FOUND');
  });
});
