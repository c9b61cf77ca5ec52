import { get, type IncomingMessage } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seed } from '@wick/db';
import { LIQUIDATION_COLUMNS } from '@wick/market';
import { loadConfig, startServer, type RunningServer } from '@wick/server';
import { startWick, type Wick } from '@wick/server/testing';
import { parseCsv } from './csv.ts';

const ROWS = Number(process.env.EXPORT_ROWS ?? 200_000);
let wick: Wick;
/** Rows whose text fields need CSV quoting and JSON escaping. */
const AWKWARD = [
  ['LIM,IT', 'G"TC', 'FILL\r\nED'],
  ['"Q"', 'a,b"c', 'x\ny'],
];

type Tuple = (string | number)[];

/** Every row straight from the database, as the export columns, newest first: the ground truth. */
async function truth(where = '', values: unknown[] = []): Promise<Tuple[]> {
  const [rows] = await wick.database.pool.query({
    sql:
      'SELECT l.id, s.name, l.side, l.order_type, l.time_in_force, l.original_quantity, l.price, l.average_price,' +
      ' l.order_status, l.last_fill_quantity, l.accumulated_fill_quantity, l.order_trade_time,' +
      ' CAST(l.average_price * l.accumulated_fill_quantity AS DECIMAL(44,10))' +
      ` FROM liquidation_orders l JOIN symbols s ON s.id = l.symbol_id ${where}` +
      ' ORDER BY l.order_trade_time DESC, l.id DESC',
    values,
    rowsAsArray: true,
  });
  return rows as Tuple[];
}

function raw(path: string, headers: Record<string, string> = {}): Promise<{ res: IncomingMessage; body: Buffer }> {
  return new Promise((resolve, reject) => {
    get(`${wick.url}${path}`, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ res, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    }).on('error', reject);
  });
}

const asStrings = (rows: Tuple[]) => rows.map((r) => r.map(String));

function expectSameRows(actual: unknown[][], expected: unknown[][]) {
  expect(actual.length).toBe(expected.length);
  // Row by row, reporting the first difference rather than a 200,000-row diff.
  for (let i = 0; i < expected.length; i++) {
    if (JSON.stringify(actual[i]) !== JSON.stringify(expected[i])) expect(actual[i], `row ${i}`).toEqual(expected[i]);
  }
}

async function untilPoolSettles(server: RunningServer, baselineInUse: number) {
  const deadline = Date.now() + 10_000;
  while (server.database.poolStats().inUse > baselineInUse && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  return server.database.poolStats();
}

async function runningExportQueries(): Promise<number> {
  const [rows] = await wick.database.pool.query(
    "SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE DB = DATABASE() AND INFO LIKE 'SELECT l.id, l.symbol_id%'",
  );
  return Number((rows as { n: number }[])[0]!.n);
}

beforeAll(async () => {
  wick = await startWick('export');
  // The db package's deterministic seed: clustered timestamps, so many ties on order_trade_time. A
  // fixed span from 2024-01-01 (not ending now), so it also holds the awkward rows' times below.
  await seed(wick.database, { symbols: 3, days: 2, liquidations: ROWS, seed: 7, start: Date.UTC(2024, 0, 1) });
  const [symbols] = await wick.database.pool.query('SELECT id FROM symbols ORDER BY id LIMIT 1');
  const symbolId = (symbols as { id: number }[])[0]!.id;
  await wick.database.pool.query(
    'INSERT INTO liquidation_orders (symbol_id, side, order_type, time_in_force, original_quantity, price, average_price,' +
      ' order_status, last_fill_quantity, accumulated_fill_quantity, order_trade_time) VALUES ?',
    [
      AWKWARD.map(([type, tif, status], i) => [
        symbolId,
        'SELL',
        type,
        tif,
        '1.5',
        '100.25',
        '100.25',
        status,
        '1.5',
        '1.5',
        Date.UTC(2024, 0, 1, 12) + i,
      ]),
    ],
  );
}, 180_000);
afterAll(() => wick?.close());

describe('HTTP export', () => {
  it('CSV of every row matches the database row for row, with a header, quoting and a filename', async () => {
    const expected = await truth();
    expect(expected.length).toBe(ROWS + AWKWARD.length);
    const { res, body } = await raw('/export/liquidations.csv');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['content-disposition']).toBe('attachment; filename="liquidations_all_start_latest.csv"');
    expect(res.headers['content-encoding']).toBeUndefined();
    const records = parseCsv(body.toString('utf8'));
    expect(records[0]).toEqual([...LIQUIDATION_COLUMNS]);
    expectSameRows(records.slice(1), asStrings(expected));
    // The awkward rows survived quoting.
    const awkward = records.filter((r) => r[3] === 'LIM,IT' || r[3] === '"Q"');
    expect(awkward.map((r) => [r[3], r[4], r[8]]).sort()).toEqual([...AWKWARD].sort());
  });

  it('NDJSON of every row matches the database row for row', async () => {
    const expected = await truth();
    const { res, body } = await raw('/export/liquidations.ndjson');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/x-ndjson/);
    expect(res.headers['content-disposition']).toMatch(/filename="liquidations_all_start_latest\.ndjson"/);
    const lines = body.toString('utf8').split('\n');
    expect(lines.pop()).toBe('');
    const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(Object.keys(parsed[0]!)).toEqual([...LIQUIDATION_COLUMNS]);
    expectSameRows(
      parsed.map((o) => LIQUIDATION_COLUMNS.map((c) => o[c])),
      expected,
    );
  });

  it('gzip when the client asks for it (and only then), same rows', async () => {
    const filter = 'side=SELL&minUsd=1000';
    const expected = await truth('WHERE l.side = ? AND l.average_price * l.accumulated_fill_quantity >= ?', ['SELL', 1000]);
    expect(expected.length).toBeGreaterThan(1000);
    const gz = await raw(`/export/liquidations.csv?${filter}`, { 'accept-encoding': 'br, gzip;q=0.8' });
    expect(gz.res.headers['content-encoding']).toBe('gzip');
    expect(gz.res.headers['vary']).toMatch(/accept-encoding/i);
    const records = parseCsv(gunzipSync(gz.body).toString('utf8'));
    expect(records[0]).toEqual([...LIQUIDATION_COLUMNS]);
    expectSameRows(records.slice(1), asStrings(expected));
    const refused = await raw(`/export/liquidations.ndjson?${filter}`, { 'accept-encoding': 'gzip;q=0, identity' });
    expect(refused.res.headers['content-encoding']).toBeUndefined();
    expect(refused.body.toString('utf8').split('\n')).toHaveLength(expected.length + 1);
  });

  it('filters: symbol, side, from/to, minUsd agree with SQL; the filename names them', async () => {
    const [[first]] = (await wick.database.pool.query({
      sql: 'SELECT name FROM symbols ORDER BY id LIMIT 1',
      rowsAsArray: true,
    })) as unknown as [[string][]];
    const name = first![0]!;
    const [bounds] = await wick.database.pool.query({
      sql: 'SELECT MIN(order_trade_time), MAX(order_trade_time) FROM liquidation_orders',
      rowsAsArray: true,
    });
    const [min, max] = (bounds as [number, number][])[0]!;
    const from = Math.floor(min + (max - min) / 3);
    const to = Math.floor(min + (2 * (max - min)) / 3);
    const expected = await truth(
      'WHERE s.name = ? AND l.side = ? AND l.order_trade_time BETWEEN ? AND ? AND l.average_price * l.accumulated_fill_quantity >= ?',
      [name, 'BUY', from, to, 500],
    );
    expect(expected.length).toBeGreaterThan(100);
    const { res, body } = await raw(`/export/liquidations.csv?symbol=${name.toLowerCase()}&side=buy&from=${from}&to=${to}&minUsd=500`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-disposition']).toMatch(new RegExp(`filename="liquidations_${name}_buy_\\d{8}T\\d{6}_\\d{8}T\\d{6}\\.csv"`));
    expectSameRows(parseCsv(body.toString('utf8')).slice(1), asStrings(expected));
  });

  it('an empty result is just the header row', async () => {
    const { res, body } = await raw(`/export/liquidations.csv?from=${Date.UTC(2040, 0, 1)}`);
    expect(res.statusCode).toBe(200);
    expect(body.toString('utf8')).toBe(`${LIQUIDATION_COLUMNS.join(',')}\r\n`);
  });

  it('bad parameters are 400 JSON with a clear message; an unknown symbol is 404', async () => {
    for (const [query, pattern] of [
      ['minUsd=-1', /minUsd: must be ≥ 0/],
      ['from=yesterday', /from: /],
      ['from=1700000000', /from: must be epoch milliseconds/],
      ['side=LONG', /side: must be BUY/],
      ['from=1704067200001&to=1704067200000', /from must not be after to/],
      ['symbol=BTC-USDT', /symbol: /],
      ['limit=5', /Unknown parameter "limit"/],
      ['side=BUY&side=SELL', /given twice/],
    ] as const) {
      const { res, body } = await raw(`/export/liquidations.csv?${query}`);
      expect(res.statusCode, query).toBe(400);
      expect(res.headers['content-type']).toBe('application/json');
      const json = JSON.parse(body.toString('utf8')) as { error: { code: string; message: string } };
      expect(json.error.code).toBe('BAD_REQUEST');
      expect(json.error.message, query).toMatch(pattern);
    }
    const unknown = await raw('/export/liquidations.ndjson?symbol=NOPEUSDT');
    expect(unknown.res.statusCode).toBe(404);
    expect(JSON.parse(unknown.body.toString('utf8')).error.message).toMatch(/NOPEUSDT/);
  });

  it('a client that disconnects mid-export frees the DB connection and stops the query; the server stays healthy', async () => {
    const server = wick.server;
    const baseline = server.database.poolStats();
    for (let round = 0; round < 3; round++) {
      const received = await new Promise<number>((resolve, reject) => {
        const req = get(`${wick.url}/export/liquidations.csv`, (res) => {
          let bytes = 0;
          res.on('data', (c: Buffer) => {
            bytes += c.length;
            if (bytes > 256 * 1024) {
              req.destroy();
              resolve(bytes);
            }
          });
          res.on('end', () => reject(new Error('export finished before the client left')));
        });
        req.on('error', () => undefined);
      });
      expect(received).toBeGreaterThan(256 * 1024);
      const after = await untilPoolSettles(server, baseline.inUse);
      expect(after.inUse).toBe(baseline.inUse);
      expect(after.queued).toBe(0);
      expect(after.idle).toBeGreaterThanOrEqual(baseline.idle);
    }
    const deadline = Date.now() + 5000;
    while ((await runningExportQueries()) > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(await runningExportQueries()).toBe(0);
    const health = await wick.client.health.query();
    expect(health.ok).toBe(true);
    const again = await raw('/export/liquidations.ndjson?side=BUY&minUsd=50000');
    expect(again.res.statusCode).toBe(200);
  });

  it('is rate-limited like everything else', async () => {
    const limited = await startServer(
      loadConfig({
        ...wick.env,
        RATE_LIMIT: '2',
        RATE_LIMIT_WINDOW_MS: '60000',
        API_KEYS: 'someone-else',
        CACHE_PREFIX: `t_export_rl_${process.pid}`,
      }),
    );
    try {
      const url = `${limited.url}/export/liquidations.csv?from=${Date.UTC(2040, 0, 1)}`;
      expect((await fetch(url)).status).toBe(200);
      expect((await fetch(url)).status).toBe(200);
      const third = await fetch(url);
      expect(third.status).toBe(429);
      expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(((await third.json()) as { error: { code: string } }).error.code).toBe('TOO_MANY_REQUESTS');
      // A made-up key shares the IP's window; an issued key has its own.
      expect((await fetch(url, { headers: { 'x-api-key': 'made-up' } })).status).toBe(429);
      expect((await fetch(url, { headers: { 'x-api-key': 'someone-else' } })).status).toBe(200);
    } finally {
      await limited.close();
    }
  });
});

describe('tRPC export stream', () => {
  // A slice (one symbol, one side) keeps this quick: tRPC + superjson streams ~5× slower than the HTTP export.
  it('yields the same rows as the HTTP export, in chunks of at most 1,000', async () => {
    const filter = { symbol: 'ETHUSDT', side: 'SELL' as const };
    const { body } = await raw('/export/liquidations.ndjson?symbol=ETHUSDT&side=SELL');
    const http = body
      .toString('utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const streamed: unknown[][] = [];
    let chunks = 0;
    for await (const chunk of await wick.client.liquidations.export.query(filter)) {
      expect(chunk.length).toBeGreaterThan(0);
      expect(chunk.length).toBeLessThanOrEqual(1000);
      chunks++;
      for (const r of chunk) {
        streamed.push([
          r.id,
          r.symbol,
          r.side,
          r.orderType,
          r.timeInForce,
          r.originalQuantity,
          r.price,
          r.averagePrice,
          r.orderStatus,
          r.lastFillQuantity,
          r.accumulatedFillQuantity,
          r.orderTradeTime,
          r.usd,
        ]);
      }
    }
    expect(http.length).toBeGreaterThan(10_000);
    expect(chunks).toBeGreaterThanOrEqual(Math.ceil(http.length / 1000));
    expectSameRows(
      streamed,
      http.map((o) => LIQUIDATION_COLUMNS.map((c) => o[c])),
    );
  });

  it('a client that stops reading frees the DB connection', async () => {
    const baseline = wick.server.database.poolStats();
    const controller = new AbortController();
    let seen = 0;
    const iterable = await wick.client.liquidations.export.query({}, { signal: controller.signal });
    try {
      for await (const chunk of iterable) {
        seen += chunk.length;
        if (seen >= 3000) controller.abort();
      }
    } catch (err) {
      // the aborted stream rejects; that is the point
      if (!controller.signal.aborted) throw err;
    }
    expect(seen).toBeGreaterThanOrEqual(3000);
    expect(seen).toBeLessThan(ROWS);
    const after = await untilPoolSettles(wick.server, baseline.inUse);
    expect(after.inUse).toBe(baseline.inUse);
    const deadline = Date.now() + 5000;
    while ((await runningExportQueries()) > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(await runningExportQueries()).toBe(0);
    expect((await wick.client.health.query()).ok).toBe(true);
  });
});
