// The batch links against a real server: requests are counted where they arrive.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_KEY, MINUTE, startWick, T0, type Wick } from '@wick/server/testing';
import { createWickClient, type RouterInputs } from '../src/index.ts';
import { logRequests, proceduresOf, type RequestLog } from './request-log.ts';

type ComputeInput = RouterInputs['indicators']['compute'];

let wick: Wick;
let log: RequestLog;
beforeAll(async () => {
  wick = await startWick('client_batching');
  log = logRequests(wick.server.server);
});
afterAll(async () => {
  log?.stop();
  await wick?.close();
});
beforeEach(() => log.clear());

const window = { symbol: 'BTCUSDT', interval: '1m' as const, limit: 50, to: T0 - MINUTE };
const sma = (period: number): ComputeInput => ({ ...window, indicator: 'sma', params: { period } });

/** The same call made alone through the harness's client: the expected answer. */
const alone = (input: ComputeInput) => wick.client.indicators.compute.query(input);

describe('httpBatchLink', () => {
  it('queries made in one tick travel as one GET, and each gets its own answer', async () => {
    const client = createWickClient({ url: wick.url });
    const [symbols, catalog, candles] = await Promise.all([
      client.symbols.list.query(),
      client.indicators.catalog.query(),
      client.candles.range.query(window),
    ]);
    const requests = log.trpc();
    expect(requests).toHaveLength(1);
    expect(requests[0]!.method).toBe('GET');
    expect(requests[0]!.searchParams.get('batch')).toBe('1');
    expect(proceduresOf(requests[0]!)).toEqual(['symbols.list', 'indicators.catalog', 'candles.range']);

    expect(symbols.symbols.map((s) => s.name).sort()).toEqual(['BTCUSDT', 'ETHUSDT']);
    expect(catalog.indicators.map((i) => i.name)).toContain('rsi');
    expect(candles.candles.time).toHaveLength(50);
    expect(candles.candles.time.at(-1)).toBe(T0 - MINUTE);
    expect(candles.candles).toEqual((await wick.client.candles.range.query(window)).candles);
  });

  it('an unbatched procedure travels alone: its own GET (no batch), the rest of the tick in one batch', async () => {
    const client = createWickClient({ url: wick.url, unbatched: ['candles.range'] });
    const [symbols, candles, catalog] = await Promise.all([
      client.symbols.list.query(),
      client.candles.range.query(window),
      client.indicators.catalog.query(),
    ]);
    const requests = log.trpc();
    expect(requests).toHaveLength(2);
    const single = requests.find((r) => r.searchParams.get('batch') !== '1');
    const batch = requests.find((r) => r.searchParams.get('batch') === '1');
    expect(single && proceduresOf(single)).toEqual(['candles.range']);
    expect(single?.method).toBe('GET');
    expect(batch && proceduresOf(batch)).toEqual(['symbols.list', 'indicators.catalog']);
    expect(candles.candles).toEqual((await wick.client.candles.range.query(window)).candles);
    expect(symbols.symbols.map((s) => s.name).sort()).toEqual(['BTCUSDT', 'ETHUSDT']);
    expect(catalog.indicators.map((i) => i.name)).toContain('rsi');
  });

  it('calls awaited one after another are separate requests', async () => {
    const client = createWickClient({ url: wick.url });
    await client.indicators.catalog.query();
    await client.symbols.list.query();
    expect(log.trpc().map(proceduresOf)).toEqual([['indicators.catalog'], ['symbols.list']]);
  });

  it('maxItems caps the calls per request: 11 at the default of 10 → 2 requests; 7 at 3 → 3', async () => {
    // Short inputs, so the URL length limit does not split the batch first.
    const inputs = Array.from({ length: 11 }, (_, i) => ({ ...window, limit: i + 1 }));
    const expected = await Promise.all(inputs.map((input) => wick.client.candles.range.query(input)));
    log.clear();

    const client = createWickClient({ url: wick.url });
    const answers = await Promise.all(inputs.map((input) => client.candles.range.query(input)));
    expect(log.trpc().map((r) => proceduresOf(r).length)).toEqual([10, 1]);
    expect(answers.map((a) => a.candles)).toEqual(expected.map((e) => e.candles));

    log.clear();
    const small = createWickClient({ url: wick.url, maxItems: 3 });
    await Promise.all(inputs.slice(0, 7).map((input) => small.candles.range.query(input)));
    expect(log.trpc().map((r) => proceduresOf(r).length)).toEqual([3, 3, 1]);
  });

  it('mutations are never batched: two in one tick are two POSTs', async () => {
    const admin = createWickClient({ url: wick.url, apiKey: ADMIN_KEY });
    const [a, b] = await Promise.all([
      admin.cache.invalidate.mutate({ symbol: 'ETHUSDT' }),
      admin.cache.invalidate.mutate({ symbol: 'BTCUSDT', interval: '1m' }),
    ]);
    expect([a, b]).toEqual([
      { invalidated: { symbol: 'ETHUSDT', interval: 'all' } },
      { invalidated: { symbol: 'BTCUSDT', interval: '1m' } },
    ]);
    const requests = log.trpc();
    expect(requests.map((r) => [r.method, proceduresOf(r)])).toEqual([
      ['POST', ['cache.invalidate']],
      ['POST', ['cache.invalidate']],
    ]);
    expect(requests.every((r) => r.searchParams.get('batch') === null)).toBe(true);
  });
});

describe('maxURLLength', () => {
  // Ten distinct calls: their batched URL is far longer than one call's.
  const inputs = Array.from({ length: 10 }, (_, i) => ({ ...sma(i + 2), symbol: i % 2 ? 'BTCUSDT' : 'ETHUSDT' }));
  const fullUrl = (path: string) => `${wick.url}${path}`;

  it('a batch too long for one URL is split: every URL within the limit, every answer correct', async () => {
    const expected = await Promise.all(inputs.map(alone));
    log.clear();

    const unlimited = createWickClient({ url: wick.url, maxURLLength: Number.POSITIVE_INFINITY });
    await Promise.all(inputs.map((input) => unlimited.indicators.compute.query(input)));
    const [whole] = log.trpc();
    expect(log.trpc()).toHaveLength(1);
    const wholeLength = fullUrl(whole!.url).length;

    for (const limit of [2083, Math.ceil(wholeLength / 3)]) {
      expect(wholeLength).toBeGreaterThan(limit);
      log.clear();
      const client = createWickClient({ url: wick.url, maxURLLength: limit });
      const answers = await Promise.all(inputs.map((input) => client.indicators.compute.query(input)));
      const requests = log.trpc();
      expect(requests.length, `limit ${limit}`).toBeGreaterThan(1);
      for (const r of requests) expect(fullUrl(r.url).length, `limit ${limit}`).toBeLessThanOrEqual(limit);
      // Every call was sent exactly once, in call order across the requests.
      expect(requests.flatMap(proceduresOf)).toEqual(inputs.map(() => 'indicators.compute'));
      expect(answers.map((a) => [a.symbol, a.params, a.time, a.values])).toEqual(
        expected.map((e) => [e.symbol, e.params, e.time, e.values]),
      );
    }
  });

  it('the default limit is 2083 (what browsers and proxies accept)', async () => {
    const client = createWickClient({ url: wick.url });
    await Promise.all(inputs.map((input) => client.indicators.compute.query(input)));
    const requests = log.trpc();
    expect(requests.length).toBeGreaterThan(1);
    for (const r of requests) expect(fullUrl(r.url).length).toBeLessThanOrEqual(2083);
  });
});
