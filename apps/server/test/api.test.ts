import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getCandles } from '@wick/db';
import { computeIndicator, type Columns } from '@wick/indicators';
import { errorCode, FIXTURE_MINUTES, MINUTE, startWick, T0, type Wick } from '@wick/server/testing';

let wick: Wick;
beforeAll(async () => {
  wick = await startWick('api');
});
afterAll(() => wick?.close());

/** The indicator computed directly over every stored candle of the series: the ground truth. */
async function fullHistory(symbol: string, indicator: string, params: Record<string, unknown>) {
  const c = await getCandles(wick.database, { symbol, interval: '1m', limit: 1_000_000, newest: true });
  return { time: Array.from(c.time), outputs: computeIndicator(indicator, c as unknown as Columns, params) };
}

function expectClose(actual: (number | null)[], expected: Float64Array, offset: number) {
  actual.forEach((v, i) => {
    const e = expected[offset + i] as number;
    if (Number.isNaN(e)) expect(v).toBeNull();
    else expect(Math.abs((v as number) - e), `value ${i}: ${v} vs ${e}`).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(e)));
  });
}

describe('symbols and candles', () => {
  it('lists symbols, first from the database then from the cache', async () => {
    const first = await wick.client.symbols.list.query();
    expect(first.symbols.map((s) => s.name).sort()).toEqual(['BTCUSDT', 'ETHUSDT']);
    expect(first.cache.status).toBe('miss');
    const second = await wick.client.symbols.list.query();
    expect(second.cache.status).toBe('hit');
    expect(second.symbols).toEqual(first.symbols);
  });

  it('serves the last candles of a series, miss then hit, identical', async () => {
    const input = { symbol: 'BTCUSDT', interval: '1m' as const, limit: 100 };
    const miss = await wick.client.candles.range.query(input);
    const hit = await wick.client.candles.range.query(input);
    expect(miss.cache.status).toBe('miss');
    expect(hit.cache.status).toBe('hit');
    expect(hit.candles).toEqual(miss.candles);
    expect(miss.candles.time).toHaveLength(100);
    expect(miss.candles.time.at(-1)).toBe(T0 - MINUTE);
    const ascending = miss.candles.time.every((t, i, a) => i === 0 || t - (a[i - 1] as number) === MINUTE);
    expect(ascending).toBe(true);
  });

  it('serves a window from `from` with its limit', async () => {
    const from = T0 - FIXTURE_MINUTES * MINUTE + 10 * MINUTE;
    const r = await wick.client.candles.range.query({ symbol: 'ETHUSDT', interval: '1m', from, limit: 5 });
    expect(r.candles.time).toEqual([0, 1, 2, 3, 4].map((i) => from + i * MINUTE));
  });

  it('answers NOT_FOUND for a symbol without data', async () => {
    await expect(wick.client.candles.range.query({ symbol: 'NOPEUSDT', interval: '1m', limit: 10 })).rejects.toSatisfy(
      (err) => errorCode(err) === 'NOT_FOUND',
    );
  });
});

describe('indicators', () => {
  it('has a catalog a form can be built from', async () => {
    const { indicators } = await wick.client.indicators.catalog.query();
    expect(indicators.length).toBeGreaterThanOrEqual(24);
    const rsi = indicators.find((i) => i.name === 'rsi')!;
    expect(rsi.outputs).toEqual(['value']);
    expect(rsi.defaults).toEqual({ period: 14 });
    expect(JSON.stringify(rsi.params)).toContain('"minimum"');
  });

  const cases: [string, Record<string, number>][] = [
    ['rsi', { period: 14 }],
    ['sma', { period: 20 }],
    ['macd', {}],
    ['bbands', {}],
    ['atr', {}],
  ];
  for (const [indicator, params] of cases) {
    it(`${indicator}: the latest window equals a computation over the full stored history (miss, then hit)`, async () => {
      const input = { symbol: 'BTCUSDT', interval: '1m' as const, indicator, params, limit: 300 };
      const miss = await wick.client.indicators.compute.query(input);
      expect(miss.cache.status).toBe('miss');
      const truth = await fullHistory('BTCUSDT', indicator, params);
      expect(miss.time).toEqual(truth.time.slice(-300));
      for (const [name, values] of Object.entries(miss.values)) {
        expect(values).toHaveLength(300);
        expectClose(values, truth.outputs[name]!, truth.time.length - 300);
      }
      const hit = await wick.client.indicators.compute.query(input);
      expect(hit.cache.status).toBe('hit');
      expect(hit.values).toEqual(miss.values);
      expect(hit.computeMs).toBe(miss.computeMs);
    });
  }

  it('every catalog indicator: the latest window equals the full-history computation (OBV up to its start offset)', async () => {
    const { indicators } = await wick.client.indicators.catalog.query();
    for (const { name } of indicators) {
      const r = await wick.client.indicators.compute.query({ symbol: 'ETHUSDT', interval: '1m', indicator: name, params: {}, limit: 200 });
      const truth = await fullHistory('ETHUSDT', name, {});
      const offset = truth.time.length - 200;
      expect(r.time, name).toEqual(truth.time.slice(offset));
      for (const [output, values] of Object.entries(r.values)) {
        const expected = truth.outputs[output]!;
        if (name === 'obv') {
          // Cumulative from the first candle read: only its changes are defined, as on any chart.
          const shift = (values[0] as number) - (expected[offset] as number);
          expectClose(
            values.map((v) => (v as number) - shift),
            expected,
            offset,
          );
        } else {
          expectClose(values, expected, offset);
        }
      }
    }
  });

  it('a window given by `from` equals the full-history values at the same times', async () => {
    const from = T0 - 1000 * MINUTE;
    const r = await wick.client.indicators.compute.query({
      symbol: 'ETHUSDT',
      interval: '1m',
      indicator: 'ema',
      params: { period: 30 },
      from,
      limit: 50,
    });
    const truth = await fullHistory('ETHUSDT', 'ema', { period: 30 });
    const offset = truth.time.indexOf(from);
    expect(r.time).toEqual(truth.time.slice(offset, offset + 50));
    expectClose(r.values.value!, truth.outputs.value!, offset);
  });

  it('equal params share one cache entry: {} is RSI 14', async () => {
    await wick.client.indicators.compute.query({ symbol: 'ETHUSDT', interval: '1m', indicator: 'rsi', params: { period: 14 }, limit: 64 });
    const r = await wick.client.indicators.compute.query({ symbol: 'ETHUSDT', interval: '1m', indicator: 'rsi', params: {}, limit: 64 });
    expect(r.cache.status).toBe('hit');
  });

  it('rejects bad params with BAD_REQUEST naming the param', async () => {
    const err = await wick.client.indicators.compute
      .query({ symbol: 'BTCUSDT', interval: '1m', indicator: 'rsi', params: { period: 0 }, limit: 10 })
      .catch((e: unknown) => e);
    expect(errorCode(err)).toBe('BAD_REQUEST');
    expect(String((err as Error).message)).toMatch(/period/);
  });

  it('rejects an unknown indicator with BAD_REQUEST', async () => {
    const err = await wick.client.indicators.compute
      .query({ symbol: 'BTCUSDT', interval: '1m', indicator: 'nope', params: {}, limit: 10 })
      .catch((e: unknown) => e);
    expect(errorCode(err)).toBe('BAD_REQUEST');
  });
});

describe('health, stats, metrics', () => {
  it('health reports the database, every Valkey node and the engine', async () => {
    const h = await wick.client.health.query();
    expect(h.ok).toBe(true);
    expect(h.db.ok).toBe(true);
    expect(h.cache.nodes).toHaveLength(6);
    expect(h.cache.nodes.filter((n) => n.role === 'primary')).toHaveLength(3);
    expect(h.engine.threads).toBeGreaterThan(0);
  });

  it('cache.stats is public and counts what happened', async () => {
    const s = await wick.client.cache.stats.query();
    expect(s.hits).toBeGreaterThan(0);
    expect(s.misses).toBeGreaterThan(0);
  });

  it('/metrics exposes request durations per procedure and pool gauges', async () => {
    const text = await (await fetch(`${wick.url}/metrics`)).text();
    expect(text).toMatch(/wick_request_duration_seconds_bucket\{[^}]*procedure="indicators.compute"/);
    expect(text).toMatch(/wick_request_duration_quantiles_seconds\{[^}]*quantile="0.99"/);
    expect(text).toContain('wick_engine_queue_size');
    expect(text).toMatch(/^wick_engine_tasks_total\{outcome="(completed|inline)"\} [1-9]/m);
    const ratio = Number(/^wick_cache_hit_ratio (\S+)$/m.exec(text)?.[1]);
    expect(ratio).toBeGreaterThan(0);
    expect(ratio).toBeLessThan(1);
    expect(text).toContain('wick_db_pool_connections{state="idle"}');
  });
});
