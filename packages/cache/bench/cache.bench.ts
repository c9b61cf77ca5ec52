// pnpm --filter @wick/cache bench — prints tables; never fails on time.
// Raw GET of the very bytes getOrLoad stores vs a getOrLoad hit (one EVALSHA that also resolves the
// generation), plus the alternatives considered for generation resolution, and codec costs.
import { randomBytes } from 'node:crypto';
import { Decoder, GlideClusterClient, Script } from '@valkey/valkey-glide';
import { randomWalk } from '@wick/testkit';
import { candleCodec, createCache } from '../src/index.ts';
import { ENVELOPE_HEAD } from '../src/envelope.ts';
import { KeyBuilder } from '../src/keys.ts';

const NODES = (process.env.VALKEY_NODES ?? '127.0.0.1:7000')
  .split(',')
  .map((s) => ({ host: s.split(':')[0]!, port: Number(s.split(':')[1]) }));
const CANDLES = 5_000;
// BENCH_SMOKE=1 (the README test): every table, a few calls each.
const SMOKE = process.env.BENCH_SMOKE === '1';
const SEQ = Number(process.env.BENCH_SEQ ?? (SMOKE ? 20 : 2_000));
const CONC = 64;
const CONC_MS = Number(process.env.BENCH_CONC_MS ?? (SMOKE ? 250 : 3_000));
if (SMOKE) console.log('cache: smoke run (BENCH_SMOKE=1): a few calls per table; the figures mean nothing');
// The first design: a script returning { generation, value } (what the hot path was before MGET).
const LUA_READ = new Script(`local g = redis.call('GET', KEYS[1]) local v = redis.call('GET', KEYS[2]) return {g, v}`);
const prefix = `wickbench-${randomBytes(3).toString('hex')}`;

function pct(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
}

async function interleaved(
  fns: readonly (readonly [string, () => Promise<unknown>])[],
  n = SEQ,
): Promise<Record<string, { p50: number; p99: number; mean: number }>> {
  for (let i = 0; i < 200; i++) for (const [, fn] of fns) await fn(); // warm-up
  const xs = fns.map(() => [] as number[]);
  for (let i = 0; i < n; i++) {
    for (let v = 0; v < fns.length; v++) {
      const t0 = performance.now();
      await fns[v]![1]();
      xs[v]!.push(performance.now() - t0);
    }
  }
  return Object.fromEntries(
    fns.map(([name], v) => [name, { p50: pct(xs[v]!, 0.5), p99: pct(xs[v]!, 0.99), mean: xs[v]!.reduce((a, b) => a + b, 0) / n }]),
  );
}

async function concurrent(fn: (worker: number) => Promise<unknown>, ms: number): Promise<{ ops: number; secs: number }> {
  const until = performance.now() + ms;
  let ops = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONC }, async (_, w) => {
      while (performance.now() < until) {
        await fn(w);
        ops++;
      }
    }),
  );
  return { ops, secs: (performance.now() - t0) / 1000 };
}

function table(title: string, rows: Record<string, string | number>[]): void {
  console.log(`\n${title}`);
  console.table(rows);
}

const us = (ms: number) => Math.round(ms * 1000);

async function main(): Promise<void> {
  const data = randomWalk(CANDLES, { seed: 3, startPrice: 30_000 });
  const cache = await createCache({ nodes: NODES, prefix, requestTimeoutMs: 1000, inflightLimit: 10_000 });
  const raw = await GlideClusterClient.createClient({ addresses: NODES, requestTimeout: 1000, inflightRequestsLimit: 10_000 });
  const kb = new KeyBuilder(prefix);
  const keyOf = (w: number) => ({ kind: 'candles', series: { symbol: `BENCH${w}`, interval: '1m' }, window: `0-1-${CANDLES}` }) as const;
  const opts = { codec: candleCodec, ttlSeconds: 600 };

  // Every series has a head (as under a live feed), so a hit with `advance` reads it too.
  const tail = {
    time: data.time.slice(-32),
    open: data.open.slice(-32),
    high: data.high.slice(-32),
    low: data.low.slice(-32),
    close: data.close.slice(-32),
    volume: data.volume.slice(-32),
  };
  for (let w = 0; w < CONC; w++) await cache.advanceHead(keyOf(w).series, { rev: 1, tail });
  // Fill: getOrLoad stores; then copy the exact stored bytes to a raw key in the same slot.
  const rawKeys: string[] = [];
  const genKeys: string[] = [];
  const valueKeys: string[] = [];
  for (let w = 0; w < CONC; w++) {
    const r = await cache.getOrLoad(keyOf(w), async () => data, opts);
    if (r.status !== 'miss') throw new Error('expected a cold key');
    const rk = kb.resolve(keyOf(w));
    const vk = rk.valueKey;
    const stored = (await raw.get(vk, { decoder: Decoder.Bytes })) as Buffer;
    const rawKey = `${kb.tagged(rk.tag)}raw`;
    await raw.set(rawKey, stored);
    rawKeys.push(rawKey);
    genKeys.push(rk.genKey);
    valueKeys.push(vk);
  }
  const payloadBytes = ((await raw.get(rawKeys[0]!, { decoder: Decoder.Bytes })) as Buffer).length;
  const check = await cache.getOrLoad(
    keyOf(0),
    async () => {
      throw new Error('should hit');
    },
    opts,
  );
  if (check.status !== 'hit') throw new Error('expected a hit');

  console.log(`payload: ${CANDLES} candles × 6 Float64 columns = ${payloadBytes} bytes stored (envelope + codec header + columns)`);
  console.log(
    `cluster ${NODES.map((n) => `${n.host}:${n.port}`).join(',')}, sequential n=${SEQ}, concurrent ${CONC} workers × ${CONC_MS} ms per variant in 5 interleaved slices (each worker its own key)`,
  );

  const rawGet = (w: number) => raw.get(rawKeys[w]!, { decoder: Decoder.Bytes });
  const rawGetDecode = async (w: number) => candleCodec.decode(((await rawGet(w)) as Buffer).subarray(ENVELOPE_HEAD));
  const twoTrips = async (w: number) => {
    await raw.get(genKeys[w]!, { decoder: Decoder.String });
    return raw.get(valueKeys[w]!, { decoder: Decoder.Bytes });
  };
  const hit = async (w: number) => {
    const r = await cache.getOrLoad(keyOf(w), async () => data, opts);
    if (r.status !== 'hit') throw new Error(`not a hit: ${r.status}`);
    return r;
  };

  const advanceOpts = { ...opts, advance: () => undefined };
  const hitWithHead = async (w: number) => {
    const r = await cache.getOrLoad(keyOf(w), async () => data, advanceOpts);
    if (r.status !== 'hit') throw new Error(`not a hit: ${r.status}`);
    return r;
  };

  const variants: [string, (w: number) => Promise<unknown>][] = [
    ['raw GET (baseline)', rawGet],
    ['raw GET + candleCodec.decode', rawGetDecode],
    ['getOrLoad hit (MGET gen+value, decode)', hit],
    ['getOrLoad hit with advance (MGET gen+head+value, 32-candle head)', hitWithHead],
    ['alt: GET gen, then GET value (2 trips)', twoTrips],
    [
      'alt: EVALSHA resolving gen + GET in Lua (1 trip)',
      (w: number) => raw.invokeScript(LUA_READ, { keys: [genKeys[w]!, valueKeys[w]!], decoder: Decoder.Bytes }),
    ],
  ];
  // Interleaved round-robin (one call of each variant per round) so the noise of a shared 2-core box
  // hits every variant alike.
  const seqRes = await interleaved(variants.map(([name, fn]) => [name, () => fn(0)] as const));
  const base = seqRes['raw GET (baseline)']!;
  table(
    'Sequential, one call at a time (µs)',
    variants.map(([name]) => {
      const r = seqRes[name]!;
      return {
        variant: name,
        p50: us(r.p50),
        p99: us(r.p99),
        mean: us(r.mean),
        'p50 vs raw': (r.p50 / base.p50).toFixed(2) + '×',
        'mean vs raw': (r.mean / base.mean).toFixed(2) + '×',
      };
    }),
  );

  // Round-robin slices (5 × CONC_MS/5 per variant) so background load on the box is shared fairly.
  const acc = new Map(variants.map(([name]) => [name, { ops: 0, secs: 0 }]));
  for (let round = 0; round < 5; round++) {
    for (const [name, fn] of variants) {
      const r = await concurrent(fn, CONC_MS / 5);
      acc.get(name)!.ops += r.ops;
      acc.get(name)!.secs += r.secs;
    }
  }
  const concRes: Record<string, number> = Object.fromEntries([...acc].map(([name, r]) => [name, r.ops / r.secs]));
  const cbase = concRes['raw GET (baseline)']!;
  table(
    `Concurrent, ${CONC} in flight (ops/s)`,
    variants.map(([name]) => ({
      variant: name,
      'ops/s': Math.round(concRes[name]!),
      'vs raw': (concRes[name]! / cbase).toFixed(2) + '×',
      'overhead %': ((cbase / concRes[name]! - 1) * 100).toFixed(1),
    })),
  );

  // Codec: binary columns vs JSON of the same columns.
  const asJson = {
    time: Array.from(data.time),
    open: Array.from(data.open),
    high: Array.from(data.high),
    low: Array.from(data.low),
    close: Array.from(data.close),
    volume: Array.from(data.volume),
  };
  const bin = candleCodec.encode(data);
  const json = Buffer.from(JSON.stringify(asJson));
  const N = 300;
  const time = (fn: () => unknown) => {
    for (let i = 0; i < 30; i++) fn();
    const xs: number[] = [];
    for (let i = 0; i < N; i++) {
      const t0 = performance.now();
      fn();
      xs.push(performance.now() - t0);
    }
    return pct(xs, 0.5);
  };
  const be = time(() => candleCodec.encode(data));
  const bd = time(() => candleCodec.decode(bin)); // bin owns its ArrayBuffer: zero-copy views
  const shifted = Buffer.alloc(bin.length + 4);
  bin.copy(shifted, 4);
  const unaligned = shifted.subarray(4);
  const bdc = time(() => candleCodec.decode(unaligned)); // not 8-aligned: one copy
  const je = time(() => Buffer.from(JSON.stringify(asJson)));
  const jd = time(() => {
    const o = JSON.parse(json.toString()) as Record<string, number[]>;
    for (const k of Object.keys(o)) Float64Array.from(o[k]!);
  });
  table(`Codec, ${CANDLES} candles (median of ${N}, µs)`, [
    { codec: 'binary Float64 columns (zero-copy decode)', bytes: bin.length, 'encode µs': us(be), 'decode µs': us(bd) },
    { codec: 'binary Float64 columns (copying decode)', bytes: bin.length, 'encode µs': us(be), 'decode µs': us(bdc) },
    { codec: 'JSON.stringify / parse (+ to Float64Array)', bytes: json.length, 'encode µs': us(je), 'decode µs': us(jd) },
    {
      codec: 'JSON ÷ binary',
      bytes: (json.length / bin.length).toFixed(2) + '×',
      'encode µs': (je / be).toFixed(1) + '×',
      'decode µs': (jd / bdc).toFixed(1) + '× (vs copying)',
    },
  ]);

  const st = await cache.stats();
  console.log(
    `\ncache stats after the run: hits ${st.hits}, misses ${st.misses}, errors ${st.errors}, valkey latency p50 ${st.latencyMs.p50.toFixed(3)} ms p99 ${st.latencyMs.p99.toFixed(3)} ms`,
  );
  await cache.clear();
  raw.close();
  await cache.close();
}

await main();
