// k6 run load-tests/liquidations.js — keyset walks to row 900,000 (all symbols, then one symbol):
// the deep page must be served within 1.5× of page 1; plus summary calls under load. Without an
// explicit DEPTH, a smaller data set (the demo seed) is walked to its last full page instead.
import { check } from 'k6';
import { Rate, Trend } from 'k6/metrics';
import { connection, intEnv } from './lib/env.js';
import { dataOf, trpcClient } from './lib/k6-trpc.js';
import { isAfter, isLiquidationPage, isLiquidationSummary } from './lib/shapes.js';
import { renderSummary } from './lib/summary.js';
import { OURS } from './lib/targets.js';
import { prng } from './lib/zipf.js';
import { options as optionsFor } from './options/liquidations.js';

export const options = optionsFor(__ENV);
const conn = connection(__ENV);
const api = trpcClient(conn);
const PAGE = 1000;
const DEPTH = intEnv(__ENV, 'DEPTH', OURS.deepPageRow, PAGE, 100_000_000);
const DEPTH_GIVEN = Boolean(__ENV.DEPTH);
/** Rows counted back from the newest one, by day (the summary's bucket limit allows this span). */
const COUNT_DAYS = 1000;
const SAMPLES = intEnv(__ENV, 'SAMPLES', 7, 1, 100);
const headMs = new Trend('wick_page1_ms', true);
const deepMs = new Trend('wick_deep_page_ms', true);
const withinRatio = new Rate('wick_deep_page_within_ratio');
const inOrder = new Rate('wick_walk_in_order');
const random = prng(intEnv(__ENV, 'SEED', 7) + __VU);

export function setup() {
  const newest = dataOf(api.query('liquidations.list', { limit: 1 }).out);
  if (!newest || newest.rows.length === 0)
    throw new Error('no liquidations: seed the database first (pnpm db:seed -- --liquidations 5000000)');
  const to = newest.rows[0].orderTradeTime;
  const rowsOf = (symbol) => {
    const input = { bucket: '1d', from: to - COUNT_DAYS * 86_400_000, to: to + 1 };
    const s = dataOf(api.query('liquidations.summary', symbol ? { ...input, symbol } : input).out);
    if (!s) throw new Error('liquidations.summary failed: cannot count the rows to walk');
    return s.buckets.reduce((n, b) => n + b.longCount + b.shortCount, 0);
  };
  // The deepest full page the data has, unless DEPTH asks for a depth on purpose.
  const depthFor = (rows) => (DEPTH_GIVEN ? DEPTH : Math.min(DEPTH, Math.max(PAGE, Math.floor((rows - PAGE) / PAGE) * PAGE)));
  const depth = { all: depthFor(rowsOf()), symbol: depthFor(rowsOf(conn.symbols[0])) };
  console.log(`liquidations: walking to row ${depth.all} (all symbols) and ${depth.symbol} (${conn.symbols[0]})`);
  return { newest: to, depth };
}

function page(filter, cursor) {
  const input = cursor ? { ...filter, limit: PAGE, cursor } : { ...filter, limit: PAGE };
  const { res, out } = api.query('liquidations.list', input, { tags: { name: 'liquidations.list' } });
  return { ms: res.timings.duration, ok: res.status === 200 && isLiquidationPage(dataOf(out)), data: dataOf(out) };
}

function median(xs) {
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Iteration 0 walks all symbols, iteration 1 one symbol. */
export function walk(data) {
  const filter = __ITER % 2 === 0 ? {} : { symbol: conn.symbols[0] };
  const label = filter.symbol ? 'symbol' : 'all';
  const depth = data.depth[label];
  const head = [];
  for (let i = 0; i < SAMPLES; i++) head.push(page(filter).ms);

  let cursor = null;
  let last = null;
  let ordered = true;
  let seen = 0;
  while (seen < depth) {
    const p = page(filter, cursor);
    if (!p.ok || p.data.rows.length === 0) break;
    if (last && !isAfter(last, p.data.rows[0])) ordered = false;
    last = p.data.rows[p.data.rows.length - 1];
    seen += p.data.rows.length;
    cursor = p.data.nextCursor;
    if (!cursor) break;
  }
  const reached = check(seen, { [`walk (${label}) reached its depth`]: (n) => n >= depth });
  inOrder.add(ordered, { filter: label });
  if (!reached) return;

  const deep = [];
  for (let i = 0; i < SAMPLES; i++) {
    const p = page(filter, cursor);
    check(p, { 'deep page answers': (x) => x.ok });
    deep.push(p.ms);
  }
  const h = median(head);
  const d = median(deep);
  headMs.add(h, { filter: label });
  deepMs.add(d, { filter: label });
  withinRatio.add(d <= OURS.deepPageRatio * h, { filter: label });
  console.log(
    `liquidations ${label}: page 1 median ${h.toFixed(2)} ms, page at row ${depth} median ${d.toFixed(2)} ms (${(d / h).toFixed(2)}×)`,
  );
}

export function summary(data) {
  const days = 1 + Math.floor(random() * 3);
  const to = data.newest - Math.floor(random() * 4) * 86_400_000;
  const input = { bucket: '1h', from: to - days * 86_400_000, to };
  if (random() < 0.5) input.symbol = conn.symbols[Math.floor(random() * conn.symbols.length)];
  const { res, out } = api.query('liquidations.summary', input, { tags: { name: 'liquidations.summary' } });
  check(res, { 'summary 200': (r) => r.status === 200, 'summary shape': () => isLiquidationSummary(dataOf(out)) });
}

export function handleSummary(data) {
  return { stdout: renderSummary(data) };
}
