// k6 run load-tests/ingest-while-reading.js — writers re-ingest candles of a series with new
// prices while readers compute indicators over it; after each ingest answers, the writer reads
// back through the cache and checks it sees its write (candles and an indicator over them).
// Needs INGEST_KEY. It changes prices in the target series: point it at a scratch database.
import { check } from 'k6';
import { connection, intEnv } from './lib/env.js';
import { dataOf, trpcClient } from './lib/k6-trpc.js';
import { isIndicatorResult } from './lib/shapes.js';
import { renderSummary } from './lib/summary.js';
import { options as optionsFor } from './options/ingest-while-reading.js';

export const options = optionsFor(__ENV);
const conn = connection(__ENV);
const api = trpcClient(conn);
const symbol = conn.symbols[0];
const interval = conn.intervals[0];
const fresh = { kind: 'fresh' };
// VU ids run over readers and writers alike; each writer owns the candle 2 × its id from the end,
// so no writer's candle is the one before another's (the SMA(2) check reads that one too).
const WRITER_SPAN = 2 * (intEnv(__ENV, 'READERS', 20, 1, 5000) + intEnv(__ENV, 'WRITERS', 2, 1, 50)) + 2;

export function setup() {
  if (!conn.ingestKey) throw new Error('set INGEST_KEY (one of the server INGEST_API_KEYS)');
  const want = Math.max(100, WRITER_SPAN);
  const r = dataOf(api.query('candles.range', { symbol, interval, limit: Math.min(5000, want) }).out);
  if (!r || r.candles.time.length < want) throw new Error(`need ${want} candles of ${symbol} ${interval}`);
  return { times: r.candles.time, base: r.candles.close[r.candles.close.length - 1] };
}

/** Readers: the chart of the series being written, its last candles included. */
export function read(data) {
  const to = data.times[data.times.length - 1];
  const { res, out } = api.query(
    'indicators.compute',
    { symbol, interval, indicator: 'sma', params: { period: 2 }, limit: 200, to },
    { tags: { name: 'reader compute' } },
  );
  check(res, { 'reader 200': (r) => r.status === 200, 'reader result': () => isIndicatorResult(dataOf(out)) });
}

/**
 * Writer VU k owns candle times[len-2k], so writers never race each other (nor touch the candle
 * before another's); each write gives its candle a price never used before, then reads it back
 * twice (raw candle, SMA(2) over it).
 */
export function write(data) {
  const i = data.times.length - 2 * __VU;
  const t = data.times[i];
  const prev = data.times[i - 1];
  const price = Math.round((data.base * (1 + ((__ITER % 1000) + 1) * 1e-4) + __VU) * 100) / 100;
  const ingest = api.mutate(
    'candles.ingest',
    { symbol, interval, candles: [{ time: t, open: price, high: price, low: price, close: price, volume: 1 }] },
    conn.ingestKey,
    {
      tags: { name: 'candles.ingest' },
    },
  );
  check(ingest.out, { 'ingest accepted': (o) => o.ok && o.data.received === 1 });

  const range = dataOf(
    api.query('candles.range', { symbol, interval, to: t, limit: 2 }, { tags: { name: 'read-after-write candles' } }).out,
  );
  check(
    range,
    { 'candles.range sees the ingested close': (d) => d !== null && d.candles.time[1] === t && d.candles.close[1] === price },
    fresh,
  );

  const sma = dataOf(
    api.query(
      'indicators.compute',
      { symbol, interval, indicator: 'sma', params: { period: 2 }, to: t, limit: 1 },
      { tags: { name: 'read-after-write compute' } },
    ).out,
  );
  const prevClose = range && range.candles.time[0] === prev ? range.candles.close[0] : NaN;
  check(
    sma,
    {
      'indicators.compute reflects the ingested candle': (d) =>
        d !== null && d.time[0] === t && Math.abs(d.values.value[0] - (prevClose + price) / 2) < 1e-9 * price,
    },
    fresh,
  );
}

export function handleSummary(data) {
  return { stdout: renderSummary(data) };
}
