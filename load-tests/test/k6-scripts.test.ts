// Static checks of the k6 scripts (k6 itself is not installable here): they parse, import only
// k6 modules and our plain helpers, export every function their scenarios exec, and their
// thresholds are valid k6 syntax that encode the targets of DESIGN.md.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { OURS, SEEDS } from '../lib/targets.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SCENARIOS = [
  'smoke',
  'cached-indicators',
  'cold-indicators',
  'batch',
  'concurrency',
  'liquidations',
  'export',
  'ingest-while-reading',
] as const;
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
const seconds = (d: string | undefined) => (d === undefined ? 0 : Number(/^(\d+)s$/.exec(d)?.[1] ?? NaN));

describe('k6 scripts', () => {
  it('exist, one per scenario, and nothing else at the top level', () => {
    const scripts = readdirSync(root).filter((f) => f.endsWith('.js') && !f.endsWith('.config.js'));
    expect(scripts.sort()).toEqual(SCENARIOS.map((s) => `${s}.js`).sort());
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

  it('take sizes from the environment, with bounds', async () => {
    const conc = await optionsOf('concurrency', { PEAK_VUS: '80', DURATION: '10s' });
    const ramp = conc.scenarios.ramp as unknown as { stages: { target: number }[]; startTime: string };
    expect(Math.max(...ramp.stages.map((s) => s.target))).toBe(80);
    expect(ramp.startTime).toBe('20s');
    await expect(optionsOf('concurrency', { PEAK_VUS: 'lots' })).rejects.toThrow(/PEAK_VUS/);
    await expect(optionsOf('cached-indicators', { DURATION: '1 minute' })).rejects.toThrow(/DURATION/);
  });
});
