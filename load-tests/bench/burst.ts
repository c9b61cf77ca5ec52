// pnpm --filter @wick/load-tests bench:burst — issue #14's burst: 1,000 identical cold
// indicators.compute calls split over two server processes on a loaded box (k6 keeps a cached mix
// running), with admission control on and off (ADMISSION=off: the switch), in the same run. Counts DB
// candle loads and engine tasks (/metrics), breaker transitions (/health, sampled), cache bypasses
// and answers by status. Reports; never fails on a figure. Writes docs/burst.md (not in smoke mode).
// BURST=n calls (default 1,000), BURST_PROCESSES=1|2 measured processes per arm (default 2).
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createTestDatabase, seed, urlForDatabase } from '@wick/db';
import { serverEnv, spawnServer, type ServerProcess } from '@wick/server/testing';
import superjson from 'superjson';
import { runScenario } from '../ci/k6-runner.ts';

// BENCH_SMOKE=1 (the README test): the same arms and code paths at tiny sizes, ~1 s cells.
const SMOKE = process.env.BENCH_SMOKE === '1';
const BURST = Number(process.env.BURST ?? (SMOKE ? 50 : 1000));
const PROCESSES = Number(process.env.BURST_PROCESSES ?? 2);
if (!Number.isInteger(BURST) || BURST < 1 || BURST > 100_000) throw new Error(`BURST must be 1..100000 calls, got ${process.env.BURST}`);
if (PROCESSES !== 1 && PROCESSES !== 2) throw new Error(`BURST_PROCESSES must be 1 or 2, got ${process.env.BURST_PROCESSES}`);
const loadAtStart = loadavg()[0]!;
if (SMOKE) console.log(`burst: smoke run (BENCH_SMOKE=1): ${BURST} calls, 3 s of background load, one day seeded`);

async function metric(base: string, name: string, labels?: (l: string) => boolean): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  let sum = 0;
  for (const m of text.matchAll(new RegExp(`^${name}(\\{[^}]*\\})? (\\S+)$`, 'gm'))) if (!labels || labels(m[1] ?? '')) sum += Number(m[2]);
  return sum;
}

async function counters(urls: string[]) {
  const out = { engine: 0, db: 0, bypass: 0, shed: 0 };
  for (const u of urls) {
    out.engine += await metric(u, 'wick_engine_tasks_total', (l) => /completed|inline/.test(l));
    out.db += await metric(u, 'wick_candle_db_loads_total');
    out.bypass += await metric(u, 'wick_cache_events_total', (l) => l.includes('"bypass"'));
    out.shed += await metric(u, 'wick_admission_shed_total');
  }
  return out;
}

async function burstOn(urls: string[], salt: number) {
  const input = { symbol: 'BTCUSDT', interval: '1m', indicator: 'bbands', params: { period: 20, stdDev: 2 + salt * 1e-6 }, limit: 1000 };
  const qs = `?input=${encodeURIComponent(JSON.stringify(superjson.serialize(input)))}`;
  const before = await counters(urls);
  let transitions = 0;
  const last = new Map<string, string>();
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      for (const u of urls) {
        const b = await fetch(`${u}/health`)
          .then((r) => r.json() as Promise<{ cache?: { breaker?: string } }>)
          .then(
            (h) => h.cache?.breaker ?? 'unknown',
            () => 'unreachable',
          );
        if (last.has(u) && last.get(u) !== b) transitions++;
        last.set(u, b);
      }
      await sleep(50);
    }
  })();
  const answers = await Promise.all(
    Array.from({ length: BURST }, (_, i) =>
      fetch(`${urls[i % urls.length]}/trpc/indicators.compute${qs}`).then(
        async (r) => {
          const body = (await r.json()) as {
            error?: { json?: { data?: { code?: string } } };
            result?: { data?: { json?: { cache?: { status?: string } } } };
          };
          return `${r.status} ${body.error?.json?.data?.code ?? body.result?.data?.json?.cache?.status ?? ''}`.trim();
        },
        () => 'no answer',
      ),
    ),
  );
  sampling = false;
  await sampler;
  const after = await counters(urls);
  const byStatus: Record<string, number> = {};
  for (const a of answers) byStatus[a] = (byStatus[a] ?? 0) + 1;
  return {
    dbLoads: after.db - before.db,
    engineTasks: after.engine - before.engine,
    cacheBypasses: after.bypass - before.bypass,
    shed: after.shed - before.shed,
    breakerTransitions: transitions,
    answers: byStatus,
  };
}

const dbName = 'wick_bench_burst';
const database = await createTestDatabase(dbName);
await seed(database, SMOKE ? { days: 1, liquidations: 1000 } : {});
const env = (name: string, extra: Record<string, string>) => {
  const e = serverEnv(name, urlForDatabase(dbName), extra);
  // As `pnpm start` runs: the shipped cache timeout and TTLs.
  delete e.CACHE_TIMEOUT_MS;
  delete e.WICK_CACHE_TTL;
  return e;
};
const spawnArm = (name: string, extra: Record<string, string>) =>
  Promise.all(Array.from({ length: PROCESSES }, () => spawnServer(env(name, extra))));
const arms: Record<string, ServerProcess[]> = {
  'admission on': await spawnArm('burst_on', {}),
  'admission off': await spawnArm('burst_off', { ADMISSION: 'off' }),
};
// The box's load: k6 against a third process, so the two measured ones count only the burst's work.
const loader = await spawnServer(env('burst_load', {}));
const results: Record<string, Awaited<ReturnType<typeof burstOn>>> = {};
const salt = Date.now() % 1_000_000;
try {
  for (const [arm, servers] of Object.entries(arms)) {
    const background = runScenario('cached-indicators', {
      BASE_URL: loader.url,
      K6_PROFILE: 'ci',
      SINGLE_DURATION: '1s',
      DURATION: SMOKE ? '3s' : '40s',
      VUS: SMOKE ? '2' : '20',
    });
    await sleep(SMOKE ? 1_000 : 15_000);
    results[arm] = await burstOn(
      servers.map((s) => s.url),
      salt + (arm === 'admission on' ? 0 : 1),
    );
    await background;
  }
} finally {
  for (const servers of [...Object.values(arms), [loader]]) await Promise.all(servers.map((s) => s.stop()));
  await database.drop();
}
const processes = PROCESSES === 1 ? 'one process' : 'two processes';
const table = [
  '| arm | DB loads | engine tasks | breaker transitions | cache bypasses | shed (503) | answers by status |',
  '| --- | -------: | -----------: | ------------------: | -------------: | ---------: | ----------------- |',
  ...Object.entries(results).map(
    ([arm, r]) =>
      `| ${arm} | ${r.dbLoads} | ${r.engineTasks} | ${r.breakerTransitions} | ${r.cacheBypasses} | ${r.shed} | ${JSON.stringify(r.answers)} |`,
  ),
];
console.log(`\n${BURST} identical cold indicators.compute over ${processes}, box loaded by k6:\n`);
console.log(table.join('\n'));
if (!SMOKE) {
  const doc = [
    '# An identical cold burst',
    '',
    `Generated by \`pnpm bench:burst\` (load-tests/bench/burst.ts) on ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}; do not edit by hand.`,
    '',
    `${BURST} identical cold \`indicators.compute\` calls (BBANDS over 1,000 1m candles, a window nobody asked for before) ` +
      `sent at once, split over ${processes}, while k6 keeps a cached mix running against a third process on the same 2 cores ` +
      `(load average ${loadAtStart.toFixed(1)} at the start, ${loadavg()[0]!.toFixed(1)} at the end). Both arms run the shipped ` +
      "cache settings (glide timeouts measure Valkey's answer; a bounded gate sheds cache calls as bypass); " +
      "`ADMISSION=off` turns early shedding off. Counts come from each process's /metrics; breaker states are sampled from /health every 50 ms.",
    '',
    ...table,
    '',
    'The same burst before the fix (issue #14, old code): 831 of 1,000 answers `bypass` (the breaker opened), 4 DB loads and ' +
      '6 computations instead of 1 and 1, and in another run 447 answers 408 TIMEOUT.',
    '',
  ];
  writeFileSync(join(import.meta.dirname, '..', '..', 'docs', 'burst.md'), doc.join('\n'));
  console.log('\nwrote docs/burst.md');
}
