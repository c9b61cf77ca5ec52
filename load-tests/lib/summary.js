// handleSummary helpers: a short report of every threshold, plus ratio checks k6 thresholds
// cannot express (a threshold compares one metric to a constant, not to another metric).

/**
 * @param {{ metrics: Record<string, { values: Record<string, number>, thresholds?: Record<string, { ok: boolean }> }> }} data
 * @param {{ name: string, value: number | null, limit: number, unit?: string }[]} [ratios]
 * @returns {string}
 */
export function renderSummary(data, ratios) {
  const lines = ['', 'threshold                                                   result'];
  const names = Object.keys(data.metrics).sort();
  for (const name of names) {
    const m = data.metrics[name];
    if (!m || !m.thresholds) continue;
    for (const expr of Object.keys(m.thresholds)) {
      const t = m.thresholds[expr];
      lines.push(`${pad(`${name}: ${expr}`, 60)}${t && t.ok ? 'PASS' : 'FAIL'}  (${describe(m.values)})`);
    }
  }
  if (ratios && ratios.length > 0) {
    lines.push('', 'ratio (reported; not part of the exit code)                 result');
    for (const r of ratios) {
      const verdict = r.value === null || !isFinite(r.value) ? 'n/a' : r.value <= r.limit ? 'PASS' : 'FAIL';
      const shown = r.value === null || !isFinite(r.value) ? '—' : r.value.toFixed(2);
      lines.push(`${pad(`${r.name} ≤ ${r.limit}`, 60)}${verdict}  (${shown}${r.unit || ''})`);
    }
  }
  return lines.join('\n') + '\n';
}

/** A metric's value (p-quantile, rate, …) or null when it was not recorded. */
export function metricValue(data, metric, stat) {
  const m = data.metrics[metric];
  if (!m || m.values[stat] === undefined) return null;
  return m.values[stat];
}

/** a / b, null when either is missing or b is 0. */
export function ratio(a, b) {
  return a === null || b === null || b === 0 ? null : a / b;
}

function describe(values) {
  return Object.keys(values)
    .filter((k) => ['rate', 'p(50)', 'med', 'p(90)', 'p(99)', 'max', 'count', 'value'].includes(k))
    .map((k) => `${k}=${round(values[k])}`)
    .join(' ');
}

function round(v) {
  return Math.abs(v) >= 100 ? Math.round(v) : Math.round(v * 1000) / 1000;
}

function pad(s, n) {
  return s.length >= n ? s + ' ' : s + ' '.repeat(n - s.length);
}

/** Trend stats every scenario reports (k6's default omits p(99)). */
export const TREND_STATS = ['avg', 'min', 'med', 'p(90)', 'p(95)', 'p(99)', 'max', 'count'];
