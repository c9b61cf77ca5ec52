// Static checks of the k6 scripts (test/k6-scenarios.test.ts runs them with a real k6): they parse,
// import only k6 modules and our plain helpers, export every function their scenarios exec, their
// thresholds are valid k6 syntax that encode the targets of DESIGN.md, and the CI profile holds a
// run to correctness only.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { OURS, SEEDS } from '../lib/targets.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** The scenarios whose targets this file checks; every other script still gets the generic checks. */
const KNOWN = ['smoke', 'cached-indicators', 'cold-indicators', 'batch', 'concurrency', 'liquidations', 'export', 'ingest-while-reading'];
const SCENARIOS = readdirSync(root)
  .filter((f) => f.endsWith('.js') && !f.endsWith('.config.js'))
  .map((f) => f.slice(0, -'.js'.length))
  .sort();
/** Metrics that measure time or throughput: bench-profile thresholds only. */
const PERFORMANCE_METRIC =
  /^(http_req_duration|http_reqs|wick_export_rows_per_s|wick_export_rss_growth_mb|wick_deep_page_within_ratio|wick_cache_hit)\b/;
const K6_MODULES = new Set(['k6', 'k6/http', 'k6/metrics', 'k6/execution']);

interface K6Options {
  scenarios: Record<string, { executor: string; exec?: string; startTime?: string; duration?: string; maxDuration?: string; vus?: number }>;
  thresholds: Record<string, string[]>;
}

async function optionsOf(name: string, env: Record<string, string> = {}): Promise<K6Options> {
  const mod = (await import(`../options/${name}.js`)) as { options: (env: Record<string, string>) => K6Options };
  return mod.options(env);
}

const importsOf = (src: string) => [...src.matchAll(/^import\s+(?:[^'"]+\s+from\s+)?['"]([^'"]+)['"]/gm)].map((m) => m[1]!);
const UNIT = { s: 1, m: 60, h: 3600 } as const;
const seconds = (d: string | undefined) => {
  if (d === undefined) return 0;
  const m = /^(\d+)(s|m|h)$/.exec(d);
  return m ? Number(m[1]) * UNIT[m[2] as keyof typeof UNIT] : NaN;
};

describe('k6 scripts', () => {
  it('exist, one per options/ file, the known ones among them', () => {
    const optionFiles = readdirSync(join(root, 'options')).map((f) => f.slice(0, -'.js'.length));
    expect(SCENARIOS).toEqual(optionFiles.sort());
    expect(SCENARIOS).toEqual(expect.arrayContaining(KNOWN));
  });

  it.each(SCENARIOS)('%s parses as an ES module', (name) => {
    // node --check parses without resolving imports (k6/http does not exist in Node).
    expect(() => execFileSync(process.execPath, ['--check', join(root, `${name}.js`)], { stdio: 'pipe' })).not.toThrow();
  });

  it.each(SCENARIOS)('%s imports only k6 modules and existing local files; takes its options from options/', (name) => {
    const src = readFileSync(join(root, `${name}.js`), 'utf8');
    for (const spec of importsOf(src)) {
      if (spec.startsWith('.')) expect(existsSync(join(root, spec)), spec).toBe(true);
      else expect(K6_MODULES.has(spec), spec).toBe(true);
    }
    expect(src).toContain(`from './options/${name}.js'`);
    expect(src).toMatch(/export const options = optionsFor\(__ENV\);/);
  });

  it.each(SCENARIOS)('%s exports every function its scenarios exec', async (name) => {
    const src = readFileSync(join(root, `${name}.js`), 'utf8');
    const opts = await optionsOf(name);
    for (const [scenario, s] of Object.entries(opts.scenarios)) {
      const fn = s.exec ?? 'default';
      const exported = fn === 'default' ? /export default function/.test(src) : new RegExp(`export function ${fn}\\(`).test(src);
      expect(exported, `${name}: scenario ${scenario} runs ${fn}`).toBe(true);
    }
  });

  it('helpers other than k6-trpc.js import neither k6 nor Node modules', () => {
    for (const f of readdirSync(join(root, 'lib'))) {
      const src = readFileSync(join(root, 'lib', f), 'utf8');
      const specs = importsOf(src);
      if (f === 'k6-trpc.js') continue;
      expect(
        specs.filter((s) => !s.startsWith('./')),
        f,
      ).toEqual([]);
      const code = src.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
      expect(code, f).not.toMatch(/\b(require\(|process\.|Buffer\b|__ENV)/);
    }
  });
});

describe('k6 thresholds', () => {
  const EXPR = /^(avg|min|max|med|count|rate|value|p\(\d+(\.\d+)?\))\s*(<|<=|>|>=|==|===|!=)\s*-?\d+(\.\d+)?$/;
  const METRIC = /^[a-z_][a-z0-9_]*(\{[a-z_]+:[a-z0-9_.-]+\})?$/;

  it.each(SCENARIOS)('%s: every threshold is valid k6 syntax; checks pass and no request fails', async (name) => {
    const { thresholds, scenarios } = await optionsOf(name);
    expect(Object.keys(scenarios).length).toBeGreaterThan(0);
    for (const [metric, exprs] of Object.entries(thresholds)) {
      expect(metric, name).toMatch(METRIC);
      expect(exprs.length).toBeGreaterThan(0);
      for (const e of exprs) expect(e, `${name} ${metric}`).toMatch(EXPR);
      const tag = /\{scenario:([^}]+)\}/.exec(metric)?.[1];
      if (tag) expect(Object.keys(scenarios), `${metric} names a scenario`).toContain(tag);
    }
    expect(thresholds.checks).toEqual(['rate==1']);
    expect(thresholds.http_req_failed).toEqual(['rate==0']);
  });

  it.each(SCENARIOS)('%s: one-at-a-time scenarios do not overlap the loaded ones', async (name) => {
    const { scenarios } = await optionsOf(name);
    const spans = Object.entries(scenarios).map(([n, s]) => {
      const start = seconds(s.startTime);
      return { n, start, end: start + seconds(s.duration ?? s.maxDuration ?? '0s'), vus: s.vus ?? 0 };
    });
    for (const a of spans.filter((s) => s.vus === 1)) {
      for (const b of spans.filter((s) => s !== a)) {
        expect(a.end <= b.start || b.end <= a.start, `${name}: ${a.n} overlaps ${b.n}`).toBe(true);
      }
    }
  });

  it('encode the targets of DESIGN.md', async () => {
    const cached = (await optionsOf('cached-indicators')).thresholds;
    expect(cached['http_req_duration{scenario:single}']).toEqual([`p(50)<=${OURS.cachedP50Ms}`, `p(90)<${SEEDS.cachedP90Ms}`]);
    expect(cached.wick_cache_hit).toEqual(['rate>0.7', 'rate>0.95']);

    const cold = (await optionsOf('cold-indicators')).thresholds;
    expect(cold['http_req_duration{scenario:single}']).toEqual(['p(99)<=15', 'p(90)<500']);
    expect(cold['http_req_duration{scenario:fully}']).toEqual(['p(99)<=50', 'p(90)<500']);

    const batch = (await optionsOf('batch')).thresholds;
    expect(batch['http_req_duration{scenario:b3_single}']).toEqual(['p(99)<=5', 'p(90)<200']);

    const conc = await optionsOf('concurrency');
    expect(conc.thresholds['http_req_duration{scenario:cached50}']).toContain('max<2000');
    expect(conc.thresholds['http_req_failed{scenario:ramp}']).toEqual(['rate<=0']);
    const ramp = conc.scenarios.ramp as unknown as { executor: string; stages: { target: number }[] };
    expect(ramp.executor).toBe('ramping-vus');
    expect(Math.max(...ramp.stages.map((s) => s.target))).toBe(500);
    expect(conc.scenarios.cached50!.vus).toBe(50);
    expect(conc.scenarios.floor50!.vus).toBe(50);

    const liq = (await optionsOf('liquidations')).thresholds;
    expect(liq.wick_deep_page_within_ratio).toEqual(['rate==1']);
    expect(OURS.deepPageRatio).toBe(1.5);

    const exp = (await optionsOf('export')).thresholds;
    expect(exp['wick_export_rows_per_s{scenario:single}']).toEqual(['med>=400000']);
    expect(exp.wick_export_rss_growth_mb).toEqual(['max<50']);

    const ingest = (await optionsOf('ingest-while-reading')).thresholds;
    expect(ingest['checks{kind:fresh}']).toEqual(['rate==1']);
  });

  it.each(SCENARIOS)('%s: the CI profile keeps correctness thresholds only, the bench profile adds the rest', async (name) => {
    const ci = await optionsOf(name, { K6_PROFILE: 'ci' });
    const bench = await optionsOf(name, { K6_PROFILE: 'bench' });
    expect(ci.thresholds.checks).toEqual(['rate==1']);
    expect(ci.thresholds.http_req_failed).toEqual(['rate==0']);
    expect(Object.keys(ci.thresholds).filter((m) => PERFORMANCE_METRIC.test(m))).toEqual([]);
    for (const [metric, exprs] of Object.entries(ci.thresholds)) expect(bench.thresholds[metric], metric).toEqual(exprs);
    expect(await optionsOf(name)).toEqual(bench);
  });

  it('the CI profile runs in seconds; an unknown profile is refused', async () => {
    const spanOf = (o: K6Options) =>
      Math.max(...Object.values(o.scenarios).map((s) => seconds(s.startTime) + seconds(s.duration ?? s.maxDuration ?? '0s')));
    for (const name of KNOWN) expect(spanOf(await optionsOf(name, { K6_PROFILE: 'ci' })), name).toBeLessThanOrEqual(120);
    expect(spanOf(await optionsOf('cached-indicators', { K6_PROFILE: 'ci' }))).toBeLessThan(spanOf(await optionsOf('cached-indicators')));
    await expect(optionsOf('smoke', { K6_PROFILE: 'fast' })).rejects.toThrow(/K6_PROFILE/);
  });

  it('take sizes from the environment, with bounds', async () => {
    const conc = await optionsOf('concurrency', { PEAK_VUS: '80', DURATION: '10s' });
    const ramp = conc.scenarios.ramp as unknown as { stages: { target: number }[]; startTime: string };
    expect(Math.max(...ramp.stages.map((s) => s.target))).toBe(80);
    expect(ramp.startTime).toBe('20s');
    await expect(optionsOf('concurrency', { PEAK_VUS: 'lots' })).rejects.toThrow(/PEAK_VUS/);
    await expect(optionsOf('cached-indicators', { DURATION: '1 minute' })).rejects.toThrow(/DURATION/);
  });
});
