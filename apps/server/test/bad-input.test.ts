import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getIndicator } from '@wick/indicators';
import { ADMIN_KEY, errorCode, startWick, type Wick } from '@wick/server/testing';

let wick: Wick;
beforeAll(async () => {
  wick = await startWick('badinput');
});
afterAll(() => wick?.close());

const QUERIES_WITH_INPUT = ['candles.range', 'indicators.compute', 'indicators.batch'];
const MUTATIONS_WITH_INPUT = ['candles.ingest', 'cache.invalidate'];
const WITHOUT_INPUT = ['symbols.list', 'indicators.catalog', 'cache.stats', 'health'];

interface ErrorBody {
  error?: { json: { message: string; data: { code: string; stack?: unknown } } };
}

/** The error as superjson puts it on the wire: `{"error":{"json":{message, code, data}}}`. */
async function errorOf(res: Response) {
  return { status: res.status, error: ((await res.json()) as ErrorBody).error?.json };
}

function get(path: string, rawInput: string) {
  return fetch(`${wick.url}/trpc/${path}?input=${encodeURIComponent(rawInput)}`).then(errorOf);
}

function post(path: string, rawBody: string) {
  return fetch(`${wick.url}/trpc/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_KEY}` },
    body: rawBody,
  }).then(errorOf);
}

function expectClientError(r: Awaited<ReturnType<typeof get>>) {
  expect(r.status).toBe(400);
  expect(r.error?.data.code).toBe('BAD_REQUEST');
  expect(r.error?.message.length).toBeGreaterThan(0);
  expect(r.error?.data.stack).toBeUndefined();
}

describe('raw HTTP with arbitrary inputs', () => {
  it('procedures with inputs answer 400, never 5xx, for any JSON value', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...QUERIES_WITH_INPUT), fc.jsonValue(), async (path, value) => {
        expectClientError(await get(path, JSON.stringify({ json: value })));
      }),
      { numRuns: 150 },
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...MUTATIONS_WITH_INPUT), fc.jsonValue(), async (path, value) => {
        expectClientError(await post(path, JSON.stringify({ json: value })));
      }),
      { numRuns: 100 },
    );
  });

  it('malformed envelopes answer 4xx on every procedure, never 5xx', async () => {
    const all = [...QUERIES_WITH_INPUT, ...WITHOUT_INPUT];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...all), fc.string({ maxLength: 200 }), async (path, raw) => {
        const r = await get(path, raw);
        expect(r.status).toBeLessThan(500);
      }),
      { numRuns: 150 },
    );
    for (const path of MUTATIONS_WITH_INPUT) {
      expect((await post(path, '{"json": ')).status).toBe(400);
      expect((await post(path, 'not json')).status).toBe(400);
    }
    // A GET of a mutation and a POST of a query are client mistakes, not server faults.
    expect((await get('candles.ingest', '{"json":{}}')).status).toBe(405);
    expect((await fetch(`${wick.url}/trpc/no.such.procedure`)).status).toBe(404);
    expect((await wick.client.health.query()).ok).toBe(true);
  });
});

describe('near-valid inputs through the client', () => {
  const valid = { symbol: 'BTCUSDT', interval: '1m' as const, indicator: 'rsi', params: { period: 14 }, limit: 100 };
  it('out-of-bounds fields are BAD_REQUEST with the field path in the message', async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ limit: 0 }, /limit/],
      [{ limit: 5001 }, /limit/],
      [{ limit: 1.5 }, /limit/],
      [{ interval: '2m' }, /interval/],
      [{ symbol: 'BTC/USDT' }, /symbol/],
      [{ symbol: '{x}:'.repeat(100) }, /symbol/],
      [{ from: 1_700_000_000 }, /from/], // seconds, not ms
      [{ from: Date.UTC(2024, 0, 2), to: Date.UTC(2024, 0, 1) }, /from/],
      [{ params: { period: -3 } }, /period/],
      [{ params: { period: 10_000_000 } }, /period/],
      [{ indicator: '../../etc' }, /indicator/],
    ];
    for (const [patch, field] of cases) {
      const err = await wick.client.indicators.compute.query({ ...valid, ...patch } as typeof valid).catch((e: unknown) => e);
      expect(errorCode(err), JSON.stringify(patch)).toBe('BAD_REQUEST');
      expect((err as Error).message, JSON.stringify(patch)).toMatch(field);
    }
  });

  it('random limits, periods and intervals: valid ones answer, invalid ones are BAD_REQUEST', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: -10, max: 6000 }),
        fc.integer({ min: -5, max: 600 }),
        fc.constantFrom('1m', '5m', '1h', '3m', '', '1M'),
        async (limit, period, interval) => {
          const input = { ...valid, limit, interval: interval as '1m', params: { period } };
          const outcome = await wick.client.indicators.compute.query(input).then(
            () => 'ok',
            (e: unknown) => errorCode(e),
          );
          const periodOk = getIndicator('rsi').params.safeParse({ period }).success;
          const validInput = limit >= 1 && limit <= 5000 && periodOk && ['1m', '5m', '1h'].includes(interval);
          if (validInput)
            expect(['ok', 'BAD_REQUEST']).toContain(outcome); // BAD_REQUEST: not enough candles for the period
          else expect(outcome).toBe('BAD_REQUEST');
        },
      ),
      { numRuns: 60 },
    );
    expect((await wick.client.health.query()).ok).toBe(true);
  });
});
