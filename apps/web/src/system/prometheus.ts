/** A sample of the Prometheus text format: `name{label="v",…} value`. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

export function parsePrometheus(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = LINE.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(LABEL)) labels[l[1]!] = l[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    out.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return out;
}

export interface ProcedureLatency {
  procedure: string;
  p50: number;
  p95: number;
  p99: number;
}

/** p50/p95/p99 per procedure (ms) from the server's quantile summary; procedures with no calls left out. */
export function procedureLatencies(samples: readonly Sample[], metric = 'wick_request_duration_quantiles_seconds'): ProcedureLatency[] {
  const by = new Map<string, ProcedureLatency>();
  for (const s of samples) {
    if (s.name !== metric || !s.labels.procedure || !Number.isFinite(s.value)) continue;
    const row = by.get(s.labels.procedure) ?? { procedure: s.labels.procedure, p50: NaN, p95: NaN, p99: NaN };
    const ms = s.value * 1000;
    if (s.labels.quantile === '0.5') row.p50 = ms;
    if (s.labels.quantile === '0.95') row.p95 = ms;
    if (s.labels.quantile === '0.99') row.p99 = ms;
    by.set(row.procedure, row);
  }
  return [...by.values()].filter((r) => Number.isFinite(r.p50)).sort((a, b) => a.procedure.localeCompare(b.procedure));
}

export function sampleValue(samples: readonly Sample[], name: string, labels: Record<string, string> = {}): number | null {
  const s = samples.find((x) => x.name === name && Object.entries(labels).every(([k, v]) => x.labels[k] === v));
  return s ? s.value : null;
}
