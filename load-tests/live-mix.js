// k6 run load-tests/live-mix.js — a live market: readers chart the live series (candles and
// indicators over the latest candles, across intervals) while a feed writer per symbol moves its
// open 1m candle FEED_RATE times a second (closing it each minute, as a feed does) and a writer
// ingests liquidations. After each ingest answers, its writer reads back: the 1m candle, its 5m
// roll-up, an SMA(2) over it, the liquidation in liquidations.list and in the minute's summary.
// Needs INGEST_KEY. It changes the open candles of SYMBOLS: point it at a scratch or demo database.
import { check } from 'k6';
import { connection } from './lib/env.js';
import { dataOf, trpcClient } from './lib/k6-trpc.js';
import { isIndicatorResult } from './lib/shapes.js';
import { renderSummary } from './lib/summary.js';
import { options as optionsFor } from './options/live-mix.js';

export const options = optionsFor(__ENV);
const conn = connection(__ENV);
const api = trpcClient(conn);
const fresh = { kind: 'fresh' };
const MINUTE = 60_000;
const READ_INTERVALS = ['1m', '5m', '15m'];
const INDICATORS = [
  { indicator: 'rsi', params: { period: 14 } },
  { indicator: 'ema', params: { period: 20 } },
  { indicator: 'bbands', params: { period: 20 } },
];

export function setup() {
  if (!conn.ingestKey) throw new Error('set INGEST_KEY (one of the server INGEST_API_KEYS)');
  const closes = {};
  for (const symbol of conn.symbols) {
    const r = dataOf(api.query('candles.range', { symbol, interval: '1m', limit: 2 }).out);
    if (!r || r.candles.time.length < 2) throw new Error(`need candles of ${symbol} 1m (npm run setup seeds them)`);
    closes[symbol] = r.candles.close[r.candles.close.length - 1];
  }
  return { closes };
}

/** Readers: a chart's reads, skewed toward the first symbol and the 1m interval. */
export function read() {
  const symbol = conn.symbols[Math.min(conn.symbols.length - 1, Math.floor(Math.random() ** 2 * conn.symbols.length))];
  const interval = READ_INTERVALS[Math.floor(Math.random() ** 2 * READ_INTERVALS.length)];
  const which = INDICATORS[Math.floor(Math.random() * INDICATORS.length)];
  const candles = api.query('candles.range', { symbol, interval, limit: 200 }, { tags: { name: 'reader' } });
  check(candles.res, { 'reader candles 200': (r) => r.status === 200 });
  const ind = api.query('indicators.compute', { symbol, interval, ...which, limit: 200 }, { tags: { name: 'reader' } });
  check(ind.res, { 'reader compute 200': (r) => r.status === 200, 'reader compute result': () => isIndicatorResult(dataOf(ind.out)) });
}

/** A feed writer: its symbol's open candle gets a new close, then every read shows it. */
export function feed(data) {
  const symbol = __ENV.FEED_SYMBOL;
  const now = Date.now();
  const t = Math.floor(now / MINUTE) * MINUTE;
  const base = data.closes[symbol];
  // A price never used before by this writer, near the series' last close.
  const price = Math.round(base * (1 + ((now % 997) - 498) * 1e-5) * 100) / 100;
  const candle = { time: t, open: base, high: Math.max(base, price), low: Math.min(base, price), close: price, volume: 1 + (now % 1000) };
  const ingest = api.mutate('candles.ingest', { symbol, interval: '1m', candles: [candle] }, conn.ingestKey, {
    tags: { name: 'candles.ingest' },
  });
  check(ingest.out, { 'ingest accepted': (o) => o.ok && o.data.received === 1 });

  const range = dataOf(api.query('candles.range', { symbol, interval: '1m', limit: 2 }, { tags: { name: 'read-after-write' } }).out);
  check(
    range,
    { 'candles.range includes the ingested close': (d) => d !== null && d.candles.time[1] === t && d.candles.close[1] === price },
    fresh,
  );
  const fiveMinute = dataOf(api.query('candles.range', { symbol, interval: '5m', limit: 1 }, { tags: { name: 'read-after-write' } }).out);
  check(
    fiveMinute,
    {
      'the 5m roll-up includes it': (d) =>
        d !== null && d.candles.time[0] === Math.floor(t / (5 * MINUTE)) * 5 * MINUTE && d.candles.close[0] === price,
    },
    fresh,
  );
  const sma = dataOf(
    api.query(
      'indicators.compute',
      { symbol, interval: '1m', indicator: 'sma', params: { period: 2 }, limit: 1 },
      { tags: { name: 'read-after-write' } },
    ).out,
  );
  const prev = range && range.candles.time.length === 2 ? range.candles.close[0] : NaN;
  check(
    sma,
    {
      'indicators.compute includes it': (d) =>
        d !== null && d.time[0] === t && Math.abs(d.values.value[0] - (prev + price) / 2) < 1e-9 * price,
    },
    fresh,
  );
}

let liquidationsThisMinute = { minute: 0, count: 0 };

/** The liquidation writer: each new liquidation is in the list and in its minute's summary right after ingest answers. */
export function liquidate() {
  const symbol = conn.symbols[0];
  const t = Date.now();
  const minute = Math.floor(t / MINUTE) * MINUTE;
  const qty = (0.001 * (1 + (t % 997))).toFixed(3);
  const event = {
    symbol,
    side: t % 2 ? 'SELL' : 'BUY',
    orderType: 'LIMIT',
    timeInForce: 'IOC',
    originalQuantity: qty,
    price: '50000.00',
    averagePrice: '50000.00',
    orderStatus: 'FILLED',
    lastFillQuantity: qty,
    accumulatedFillQuantity: qty,
    orderTradeTime: t,
  };
  const ingest = api.mutate('liquidations.ingest', { events: [event] }, conn.ingestKey, { tags: { name: 'liquidations.ingest' } });
  const inserted = ingest.out.ok ? ingest.out.data.inserted : 0;
  check(ingest.out, { 'liquidation accepted': (o) => o.ok && o.data.inserted + o.data.duplicates === 1 });
  if (liquidationsThisMinute.minute !== minute) liquidationsThisMinute = { minute, count: 0 };
  liquidationsThisMinute.count += inserted;

  const list = dataOf(api.query('liquidations.list', { symbol, from: t, to: t, limit: 10 }, { tags: { name: 'read-after-write' } }).out);
  check(
    list,
    {
      'liquidations.list includes it, with its USD value': (d) =>
        d !== null &&
        d.rows.some(
          (r) =>
            r.orderTradeTime === t &&
            Number(r.accumulatedFillQuantity) === Number(qty) &&
            Math.abs(Number(r.usd) - Number(qty) * 50000) < 1e-6,
        ),
    },
    fresh,
  );
  const summary = dataOf(
    api.query(
      'liquidations.summary',
      { symbol, bucket: '1m', from: minute, to: minute + MINUTE - 1 },
      { tags: { name: 'read-after-write' } },
    ).out,
  );
  check(
    summary,
    { "the minute's summary counts it": (d) => d !== null && d.totals.longCount + d.totals.shortCount >= liquidationsThisMinute.count },
    fresh,
  );
}

export function handleSummary(data) {
  return { stdout: renderSummary(data) };
}
