import { computeIndicator, historyFor, indicators, parseParams } from '@wick/indicators';
import { INTERVAL_MS, INTERVALS, type CandleColumns } from '@wick/market';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiHarness, trpcError, wireError, type ApiHarness } from './support/api-harness.ts';

let api: ApiHarness;

beforeAll(async () => {
  api = await startApiHarness('indicators');
});
afterAll(() => api?.close());

function columnSlice(c: CandleColumns, from: number, to: number): CandleColumns {
  return {
    time: c.time.slice(from, to),
    open: c.open.slice(from, to),
    high: c.high.slice(from, to),
    low: c.low.slice(from, to),
    close: c.close.slice(from, to),
    volume: c.volume.slice(from, to),
  };
}

/**
 * What the router must answer for candles [start, end): a direct computeIndicator over the same
 * candles the service reads (the window plus the warm-up history available before it), with the
 * warm-up cut off and NaN as null.
 */
function expectedValues(c: CandleColumns, indicator: string, params: Record<string, number>, start: number, end: number) {
  const warmup = historyFor(indicator, parseParams(indicator, params), INTERVAL_MS['1m']);
  const from = Math.max(0, start - warmup);
  const outputs = computeIndicator(indicator, columnSlice(c, from, end), params);
  const values: Record<string, (number | null)[]> = {};
  for (const [name, series] of Object.entries(outputs)) {
    values[name] = Array.from(series.subarray(start - from), (v) => (Number.isFinite(v) ? v : null));
  }
  return values;
}

/** Engine computations so far (on the calling thread or in a worker). */
const computations = () => api.engine.stats().inlineRuns + api.engine.stats().completed;

describe('indicators.compute', () => {
  const cases: { indicator: string; params: Record<string, number> }[] = [
    { indicator: 'rsi', params: { period: 14 } },
    { indicator: 'bbands', params: { period: 20 } },
    { indicator: 'macd', params: {} },
    { indicator: 'atr', params: { period: 10 } },
  ];

  for (const { indicator, params } of cases) {
    it(`${indicator}: the last 300 candles up to \`to\` equal a direct computeIndicator; a miss, then a hit`, async () => {
      const btc = api.candles.BTCUSDT;
      const end = 1000;
      const input = { symbol: 'BTCUSDT', interval: '1m', indicator, params, to: btc.time[end - 1]!, limit: 300 } as const;
      const first = await api.caller().indicators.compute(input);
      expect(first.time).toEqual(Array.from(btc.time.subarray(end - 300, end)));
      expect(first.values).toEqual(expectedValues(btc, indicator, params, end - 300, end));
      expect(first.cache.status).toBe('miss');

      const before = computations();
      const second = await api.caller().indicators.compute(input);
      expect(second.cache.status).toBe('hit');
      expect(second.values).toEqual(first.values);
      expect(computations()).toBe(before);
    });
  }

  it('a window from `from` reads its warm-up history before it, and gives the same values', async () => {
    const eth = api.candles.ETHUSDT;
    const start = 500;
    const r = await api.caller().indicators.compute({
      symbol: 'ETHUSDT',
      interval: '1m',
      indicator: 'rsi',
      params: { period: 7 },
      from: eth.time[start]!,
      limit: 120,
    });
    expect(r.time).toEqual(Array.from(eth.time.subarray(start, start + 120)));
    expect(r.values).toEqual(expectedValues(eth, 'rsi', { period: 7 }, start, start + 120));
    // With history before the window, the first value is already defined.
    expect(r.values.value?.[0]).not.toBeNull();
  });

  it('bad indicator params are BAD_REQUEST naming the param, with the issues and field errors of any input error', async () => {
    const err = await trpcError(
      api.caller().indicators.compute({ symbol: 'BTCUSDT', interval: '1m', indicator: 'rsi', params: { period: 1 }, limit: 100 }),
    );
    expect(err.code).toBe('BAD_REQUEST');
    expect(err.message).toMatch(/^invalid params for rsi: period: /);
    const shape = wireError(err, 'indicators.compute');
    expect(shape.message).toMatch(/^Invalid input — params\.period: /);
    expect(shape.data.issues?.map((i) => i.path)).toEqual(['params.period']);
    expect(shape.data.fieldErrors?.params).toHaveLength(1);
  });

  it('an unknown param is BAD_REQUEST on params itself', async () => {
    const err = await trpcError(
      api.caller().indicators.compute({ symbol: 'BTCUSDT', interval: '1m', indicator: 'rsi', params: { period: 14, nope: 3 }, limit: 100 }),
    );
    expect(err.code).toBe('BAD_REQUEST');
    const shape = wireError(err, 'indicators.compute');
    expect(shape.data.issues?.every((i) => i.path === 'params' || i.path.startsWith('params.'))).toBe(true);
    expect(Object.keys(shape.data.fieldErrors ?? {})).toEqual(['params']);
  });

  it('an unknown indicator is BAD_REQUEST listing the known ones', async () => {
    const err = await trpcError(api.caller().indicators.compute({ symbol: 'BTCUSDT', interval: '1m', indicator: 'nope', limit: 100 }));
    expect(err.code).toBe('BAD_REQUEST');
    expect(err.message).toContain('unknown indicator "nope"');
    expect(err.message).toContain('rsi');
  });

  it('bad input is BAD_REQUEST with field errors', async () => {
    const input = { symbol: 'BTCUSDT', interval: '1m' as const, indicator: 'RSI!', params: { period: 'x'.repeat(65) }, limit: 5001 };
    const err = await trpcError(api.caller().indicators.compute(input));
    expect(err.code).toBe('BAD_REQUEST');
    const fieldErrors = wireError(err, 'indicators.compute').data.fieldErrors ?? {};
    expect(Object.keys(fieldErrors).sort()).toEqual(['indicator', 'limit', 'params']);
    expect(fieldErrors.indicator).toEqual(['must be an indicator name from indicators.catalog']);
  });

  it('an unknown symbol is NOT_FOUND', async () => {
    const err = await trpcError(api.caller().indicators.compute({ symbol: 'NOPEUSDT', interval: '1m', indicator: 'rsi', limit: 100 }));
    expect(err.code).toBe('NOT_FOUND');
    expect(err.message).toContain('NOPEUSDT');
  });
});

describe('indicators.batch', () => {
  it('answers every item: failures as per-item errors beside the others', async () => {
    const btc = api.candles.BTCUSDT;
    const end = 900;
    const window = { symbol: 'BTCUSDT', interval: '1m', to: btc.time[end - 1]!, limit: 200 } as const;
    const { items } = await api.caller().indicators.batch({
      items: [
        { ...window, indicator: 'sma', params: { period: 20 } },
        { ...window, indicator: 'rsi', params: { period: 1 } },
        { ...window, symbol: 'NOPEUSDT', indicator: 'rsi' },
        { ...window, indicator: 'nope' },
        { ...window, indicator: 'ema', params: { period: 9 } },
      ],
    });
    expect(items.map((i) => (i.ok ? 'ok' : i.error.code))).toEqual(['ok', 'BAD_REQUEST', 'NOT_FOUND', 'BAD_REQUEST', 'ok']);
    const [sma, badParams, unknownSymbol, unknownIndicator, ema] = items;
    if (!sma?.ok || !ema?.ok || badParams?.ok !== false || unknownSymbol?.ok !== false || unknownIndicator?.ok !== false) {
      throw new Error('unexpected item outcomes');
    }
    expect(sma.values).toEqual(expectedValues(btc, 'sma', { period: 20 }, end - 200, end));
    expect(ema.values).toEqual(expectedValues(btc, 'ema', { period: 9 }, end - 200, end));
    expect(badParams.error.message).toMatch(/period/);
    expect(badParams.error.issues?.map((i) => i.path)).toEqual(['params.period']);
    expect(badParams.error.fieldErrors?.params).toHaveLength(1);
    expect(unknownSymbol.error.issues).toBeUndefined();
    expect(unknownSymbol.error.message).toContain('NOPEUSDT');
    expect(unknownIndicator.error.message).toContain('unknown indicator "nope"');
  });

  it('computes identical items once and reads one candle window for items that share it', async () => {
    const btc = api.candles.BTCUSDT;
    const end = 700;
    const window = { symbol: 'BTCUSDT', interval: '1m', to: btc.time[end - 1]!, limit: 150 } as const;
    const input = {
      items: [
        { ...window, indicator: 'rsi', params: {} },
        // The same request spelled differently: defaults written out, name in another case.
        { ...window, indicator: ' RSI ', params: { period: 14 } },
        { ...window, indicator: 'rsi' },
        { ...window, indicator: 'mom', params: { period: 10 } },
      ],
    };
    const loadsBefore = api.metrics.candleDbLoads;
    const computedBefore = computations();
    const { items } = await api.caller().indicators.batch(input);

    expect(items.every((i) => i.ok)).toBe(true);
    const values = items.map((i) => (i.ok ? i.values : null));
    expect(values[0]).toEqual(expectedValues(btc, 'rsi', { period: 14 }, end - 150, end));
    expect(values[1]).toEqual(values[0]);
    expect(values[2]).toEqual(values[0]);
    expect(values[3]).toEqual(expectedValues(btc, 'mom', { period: 10 }, end - 150, end));
    expect(computations() - computedBefore).toBe(2);
    expect(api.metrics.candleDbLoads - loadsBefore).toBe(1);
    // Two result lookups and the one shared candle load, all misses.
    expect(api.lastContext().cacheOutcomes).toEqual({ hit: 0, miss: 3, stale: 0, bypass: 0 });

    const again = await api.caller().indicators.batch(input);
    expect(again.items.map((i) => (i.ok ? i.cache.status : i.error.code))).toEqual(['hit', 'hit', 'hit', 'hit']);
    expect(computations() - computedBefore).toBe(2);
    expect(api.lastContext().cacheOutcomes).toEqual({ hit: 2, miss: 0, stale: 0, bypass: 0 });
  });

  it('refuses an empty batch and more than 10 items', async () => {
    const item = { symbol: 'BTCUSDT', interval: '1m', indicator: 'rsi', limit: 10 } as const;
    for (const items of [[], Array.from({ length: 11 }, () => item)]) {
      const err = await trpcError(api.caller().indicators.batch({ items }));
      expect(err.code).toBe('BAD_REQUEST');
      expect(wireError(err, 'indicators.batch').data.fieldErrors?.items).toHaveLength(1);
    }
  });
});

describe('indicators.catalog', () => {
  const OVERLAYS = ['sma', 'ema', 'wma', 'dema', 'tema', 'rma', 'bbands', 'keltner', 'donchian', 'psar', 'vwap', 'ichimoku', 'supertrend'];

  it('says where every indicator is drawn: overlays on the price, the rest in a pane of their own', async () => {
    const { indicators: entries } = await api.caller().indicators.catalog();
    expect(entries.map((e) => e.name).sort()).toEqual([...indicators.keys()].sort());
    for (const e of entries) expect(e.placement, e.name).toBe(OVERLAYS.includes(e.name) ? 'overlay' : 'pane');
  });

  it('says how every output is drawn, outputs that are not prices in the pane', async () => {
    const { indicators: entries } = await api.caller().indicators.catalog();
    const byName = new Map(entries.map((e) => [e.name, e]));
    for (const e of entries) {
      expect(Object.keys(e.draw).sort(), e.name).toEqual([...e.outputs].sort());
      for (const [output, d] of Object.entries(e.draw)) {
        expect(['line', 'histogram', 'band', 'dots'], `${e.name}.${output}`).toContain(d.style);
        // A pane indicator draws nothing over the price.
        if (e.placement === 'pane') expect(d.placement, `${e.name}.${output}`).toBe('pane');
      }
      // A band has two edges.
      expect([0, 2], e.name).toContain(Object.values(e.draw).filter((d) => d.style === 'band').length);
    }
    expect(byName.get('macd')!.draw.histogram).toEqual({ style: 'histogram', placement: 'pane' });
    expect(byName.get('bbands')!.draw).toMatchObject({
      upper: { style: 'band', placement: 'overlay' },
      lower: { style: 'band', placement: 'overlay' },
      middle: { style: 'line', placement: 'overlay' },
      percentB: { placement: 'pane' },
      bandwidth: { placement: 'pane' },
    });
    expect(byName.get('psar')!.draw.value).toEqual({ style: 'dots', placement: 'overlay' });
    expect(byName.get('supertrend')!.draw.direction?.placement).toBe('pane');
  });

  it('lists the intervals every series has, finest first, with their width', async () => {
    const { intervals } = await api.caller().indicators.catalog();
    expect(intervals).toEqual(INTERVALS.map((name) => ({ name, ms: INTERVAL_MS[name] })));
  });
});
