// What a correct Wick answer looks like, as predicates the k6 checks use. Verified against the
// real server's answers in test/shapes.test.ts, so a check that fails under load means the server
// answered wrongly, not that the check is out of date.

/** @param {unknown} v @returns {v is Record<string, any>} */
const isObj = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
/** @param {unknown} v */
const isNumArray = (v) => Array.isArray(v) && v.every((x) => typeof x === 'number');
/** @param {unknown} v */
const isNullableNumArray = (v) => Array.isArray(v) && v.every((x) => x === null || typeof x === 'number');

/** @param {unknown} c */
export function hasCacheMeta(c) {
  return isObj(c) && isObj(c.cache) && ['hit', 'miss', 'stale', 'bypass'].includes(c.cache.status) && typeof c.cache.ageMs === 'number';
}

/** An indicators.compute answer with `n` points (any n when omitted). @param {unknown} d @param {number} [n] */
export function isIndicatorResult(d, n) {
  if (!isObj(d) || !isNumArray(d.time) || !isObj(d.values) || !hasCacheMeta(d) || typeof d.computeMs !== 'number') return false;
  if (n !== undefined && d.time.length !== n) return false;
  const series = Object.values(d.values);
  return series.length > 0 && series.every((s) => isNullableNumArray(s) && s.length === d.time.length);
}

/** indicators.batch: `n` items, each a result or its own error. @param {unknown} d @param {number} n */
export function isBatchResult(d, n) {
  return (
    isObj(d) &&
    Array.isArray(d.items) &&
    d.items.length === n &&
    d.items.every((it) => isObj(it) && (it.ok === true ? isIndicatorResult(it) : isObj(it.error) && typeof it.error.code === 'string'))
  );
}

/** candles.range: aligned columns, times increasing. @param {unknown} d */
export function isCandleRange(d) {
  if (!isObj(d) || !isObj(d.candles) || !hasCacheMeta(d)) return false;
  const c = d.candles;
  const cols = ['time', 'open', 'high', 'low', 'close', 'volume'];
  if (!cols.every((k) => isNumArray(c[k]) && c[k].length === c.time.length)) return false;
  for (let i = 1; i < c.time.length; i++) if (!(c.time[i] > c.time[i - 1])) return false;
  return true;
}

/** liquidations.list: rows newest first, a cursor or null. @param {unknown} d */
export function isLiquidationPage(d) {
  if (!isObj(d) || !Array.isArray(d.rows) || !(d.nextCursor === null || typeof d.nextCursor === 'string')) return false;
  for (let i = 0; i < d.rows.length; i++) {
    const r = d.rows[i];
    if (!isObj(r) || typeof r.id !== 'number' || typeof r.orderTradeTime !== 'number' || (r.side !== 'BUY' && r.side !== 'SELL'))
      return false;
    if (i > 0 && !isAfter(d.rows[i - 1], r)) return false;
  }
  return true;
}

/**
 * Keyset order: `b` comes after `a` when newest first by (orderTradeTime, id).
 * @param {{ id: number, orderTradeTime: number }} a @param {{ id: number, orderTradeTime: number }} b
 */
export function isAfter(a, b) {
  return b.orderTradeTime < a.orderTradeTime || (b.orderTradeTime === a.orderTradeTime && b.id < a.id);
}

/** liquidations.summary. @param {unknown} d */
export function isLiquidationSummary(d) {
  return (
    isObj(d) &&
    Array.isArray(d.buckets) &&
    d.buckets.every(
      (b) =>
        isObj(b) &&
        typeof b.bucket === 'number' &&
        typeof b.longUsd === 'number' &&
        typeof b.shortUsd === 'number' &&
        typeof b.longCount === 'number' &&
        typeof b.shortCount === 'number',
    ) &&
    isObj(d.totals)
  );
}

/** symbols.list. @param {unknown} d */
export function isSymbolList(d) {
  return (
    isObj(d) &&
    Array.isArray(d.symbols) &&
    d.symbols.length > 0 &&
    d.symbols.every((s) => isObj(s) && typeof s.name === 'string') &&
    hasCacheMeta(d)
  );
}

/** indicators.catalog. @param {unknown} d */
export function isCatalog(d) {
  return (
    isObj(d) &&
    Array.isArray(d.indicators) &&
    d.indicators.length > 0 &&
    d.indicators.every((i) => isObj(i) && typeof i.name === 'string' && isObj(i.params) && Array.isArray(i.outputs))
  );
}

/** dashboard.snapshot: every section present. @param {unknown} d */
export function isSnapshot(d) {
  return isObj(d) && isObj(d.candles) && Array.isArray(d.indicators) && 'liquidations' in d && 'errors' in d;
}

/** health (procedure and GET /health). @param {unknown} d */
export function isHealth(d) {
  return isObj(d) && typeof d.ok === 'boolean' && isObj(d.db) && isObj(d.cache) && isObj(d.engine);
}

/** cache.stats. @param {unknown} d */
export function isCacheStats(d) {
  return isObj(d) && Object.keys(d).length > 0;
}

/** Line count of a text body without splitting it (exports are 100+ MB). @param {string} body */
export function countLines(body) {
  let n = 0;
  let at = body.indexOf('\n');
  while (at !== -1) {
    n++;
    at = body.indexOf('\n', at + 1);
  }
  return n;
}
