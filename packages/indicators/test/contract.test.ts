/**
 * The contract every registry entry must pass (one battery, inherited by each new indicator):
 * output length, NaN exactly in the warm-up (= lookback), bad params rejected with the param and
 * its bound named, NotEnoughDataError below lookback+1, agreement with TA-Lib where TA-Lib has the
 * indicator (long random walks, flat, flat after a spike, gapped, tiny, NaN-containing inputs),
 * agreement with a named independent implementation otherwise, streaming = batch bit for bit (closed
 * candles, open-candle updates, JSON round trips), and fast-check properties (length, shift, scale).
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import fc from 'fast-check';
import type { z } from 'zod';
import { randomWalk } from '@wick/testkit';
import { CANDLE_COLUMN_NAMES, emptyCandleColumns, INTERVAL_MS } from '@wick/market';
import type { Columns, IndicatorDefinition, Outputs, StreamCandle, StreamingState } from '../src/index.ts';
import {
  computeIndicator,
  createStreamingState,
  indicators,
  InvalidParamsError,
  NotEnoughDataError,
  parseParams,
  restoreStreamingState,
} from '../src/index.ts';
import { references, type Move } from './support/references.ts';
import { flat, gapped, mapColumns, slice, spike } from './support/series.ts';
import { expectSeriesClose, firstFinite, type CompareOptions } from './support/compare.ts';
import { taLibVersion } from './support/talib.ts';

const PRICES = ['open', 'high', 'low', 'close'] as const;

function paramSets(def: IndicatorDefinition): Record<string, unknown>[] {
  const ref = references[def.name];
  return [def.params.parse({}) as Record<string, unknown>, ...(ref?.params ?? []).map((p) => parseParams(def.name, p))];
}

function run(def: IndicatorDefinition, c: Columns, p: Record<string, unknown>): Outputs {
  return def.compute(c, p);
}

function label(def: IndicatorDefinition, p: Record<string, unknown>, what: string, out: string): string {
  return `${def.name}(${JSON.stringify(p)}) ${out} on ${what}`;
}

function shapeOf(def: IndicatorDefinition): Record<string, z.ZodType> {
  const schema = def.params as unknown as { shape?: Record<string, z.ZodType>; def?: { in?: { shape?: Record<string, z.ZodType> } } };
  return schema.shape ?? {};
}

function boundsOf(field: z.ZodType): { min: number; max: number; int: boolean } {
  const inner = (field as unknown as { unwrap: () => { isInt: boolean; minValue: number | null; maxValue: number | null } }).unwrap();
  return { min: inner.minValue ?? NaN, max: inner.maxValue ?? NaN, int: inner.isInt };
}

/**
 * Where the reference entry has an arbiter, a disagreement beyond 1e-9 is settled by an exact value;
 * each settled one is printed so the disagreement (and who is right) is on record.
 */
function arbitration(
  def: IndicatorDefinition,
  c: Columns,
  p: Record<string, unknown>,
  output: string,
  against: string,
  offset = 0,
): CompareOptions {
  const arbiter = references[def.name]?.arbiter;
  const floor = references[def.name]?.floor;
  if (!arbiter) return floor === undefined ? {} : { floor };
  const arbitrated: NonNullable<CompareOptions['arbitrated']> = [];
  onTestFinished(() => {
    if (arbitrated.length === 0) return;
    const worst = arbitrated.reduce((w, a) => (Math.abs(a.reference - a.exact) > Math.abs(w.reference - w.exact) ? a : w));
    console.info(
      `${def.name}(${JSON.stringify(p)}) ${output} vs ${against}: ${arbitrated.length} values differ by > 1e-9; Wick is within 1e-12 of the exact value at all of them; ` +
        `worst reference error at ${worst.index + offset}: reference ${worst.reference}, Wick ${worst.ours}, exact ${worst.exact}`,
    );
  });
  return { arbiter: (i) => arbiter(c, p, output, i + offset), arbitrated, ...(floor === undefined ? {} : { floor }) };
}

/** A copy with NaN in every column at one bar, and in single columns at two more. */
export function withNaNs(c: Columns): Columns {
  const out = slice(c, 0, c.close.length);
  for (const k of ['open', 'high', 'low', 'close', 'volume'] as const) out[k][500] = NaN;
  out.close[1200] = NaN;
  out.high[1500] = NaN;
  return out;
}

const long = randomWalk(100_000, { seed: 11 });
const medium = randomWalk(10_000, { seed: 12 });
const flatSeries = flat(300);
const spikeSeries = spike(800, 100);
const gappedSeries = gapped(5_000);

const candleAt = (c: Columns, i: number): StreamCandle => ({
  time: c.time[i]!,
  open: c.open[i]!,
  high: c.high[i]!,
  low: c.low[i]!,
  close: c.close[i]!,
  volume: c.volume[i]!,
});

function toColumns(candles: readonly StreamCandle[]): Columns {
  const c = emptyCandleColumns(candles.length);
  candles.forEach((candle, i) => {
    for (const k of CANDLE_COLUMN_NAMES) c[k][i] = candle[k];
  });
  return c;
}

/** A JSON round trip of the state, as the cache would store and read it. */
const roundTrip = (s: StreamingState): StreamingState => restoreStreamingState(JSON.parse(JSON.stringify(s.toJSON())));

function expectSameValues(def: IndicatorDefinition, got: Record<string, number>, batch: Outputs, i: number, what: string): void {
  for (const o of def.outputs) {
    if (!Object.is(got[o], batch[o]![i])) throw new Error(`${def.name} ${o}[${i}] ${what}: stream ${got[o]} != batch ${batch[o]![i]}`);
  }
}

for (const def of indicators.values()) {
  const ref = references[def.name];

  describe(`contract: ${def.name}`, () => {
    it('has a reference entry and a well-formed definition', () => {
      expect(ref, `test/support/references.ts lacks ${def.name}`).toBeDefined();
      expect(def.name).toMatch(/^[a-z]+$/);
      expect(def.outputs.length).toBeGreaterThan(0);
      expect(Object.keys(ref!.shift).sort()).toEqual([...def.outputs].sort());
      expect(Object.keys(ref!.scale).sort()).toEqual([...def.outputs].sort());
    });

    it('outputs have the input length and are NaN exactly during the warm-up (= lookback)', () => {
      const c = randomWalk(3_000, { seed: 5 });
      for (const p of paramSets(def)) {
        const out = run(def, c, p);
        expect(Object.keys(out).sort()).toEqual([...def.outputs].sort());
        let slowest = 0;
        for (const name of def.outputs) {
          const s = out[name]!;
          expect(s).toBeInstanceOf(Float64Array);
          expect(s.length).toBe(3_000);
          const f = firstFinite(s);
          slowest = Math.max(slowest, f);
          for (let i = f; i < s.length; i++) {
            if (!Number.isFinite(s[i]!))
              expect.fail(`${label(def, p, 'random walk', name)}: non-finite ${s[i]} at ${i} after warm-up ${f}`);
          }
        }
        expect(slowest, `${def.name}(${JSON.stringify(p)}) warm-up`).toBe(def.lookback(p));
      }
    });

    it('rejects bad params (zero, negative, non-integer, too large, wrong type, unknown key) naming the param and its bound', () => {
      const shape = shapeOf(def);
      const expectIssue = (raw: Record<string, unknown>, path: string, message: RegExp) => {
        try {
          parseParams(def.name, raw);
          expect.fail(`${def.name} accepted ${JSON.stringify(raw)}`);
        } catch (e) {
          expect(e).toBeInstanceOf(InvalidParamsError);
          const issue = (e as InvalidParamsError).issues.find((i) => i.path === path);
          expect(issue, `${def.name} ${JSON.stringify(raw)}: issues ${JSON.stringify((e as InvalidParamsError).issues)}`).toBeDefined();
          expect(issue!.message).toMatch(message);
          expect((e as Error).message).toContain(path);
        }
      };
      for (const [key, field] of Object.entries(shape)) {
        const { min, max, int } = boundsOf(field);
        expect(Number.isFinite(min) && Number.isFinite(max), `${def.name}.${key} must have bounds`).toBe(true);
        expectIssue({ [key]: min - 1 }, key, new RegExp(`>=\\s*${min}`));
        if (min > 0) expectIssue({ [key]: 0 }, key, new RegExp(`>=\\s*${min}`));
        expectIssue({ [key]: max + 1 }, key, new RegExp(`<=\\s*${max}`));
        expectIssue({ [key]: '5' }, key, /expected number/);
        if (int) expectIssue({ [key]: min + 0.5 }, key, /expected int/);
      }
      expectIssue({ nonsense: 1 }, '', /nonsense/);
    });

    it('a series shorter than lookback+1 throws NotEnoughDataError naming the params; lookback+1 gives one value', () => {
      for (const p of paramSets(def)) {
        const lb = def.lookback(p);
        const c = randomWalk(lb + 1, { seed: 9 });
        if (lb > 0) {
          const short = slice(c, 0, lb);
          try {
            computeIndicator(def.name, short, p);
            expect.fail(`${def.name} computed on ${lb} candles`);
          } catch (e) {
            expect(e).toBeInstanceOf(NotEnoughDataError);
            expect((e as NotEnoughDataError).needed).toBe(lb + 1);
            expect((e as NotEnoughDataError).got).toBe(lb);
            for (const k of Object.keys(p)) expect((e as Error).message).toContain(`${k}=`);
          }
        }
        const out = computeIndicator(def.name, c, p);
        const values = def.outputs.map((o) => out[o]![lb]!);
        expect(values.every(Number.isFinite), `${def.name} last value ${values}`).toBe(true);
      }
    });

    if (ref?.talib) {
      const talib = ref.talib;
      it(`agrees with TA-Lib ${taLibVersion} (C) to 1e-9 relative, same warm-up: 100k random walk, flat, spike, gapped, tiny`, () => {
        const cases: [string, Columns, Record<string, unknown>[]][] = [
          ['100k random walk', long, paramSets(def).slice(0, 1)],
          ['10k random walk', medium, paramSets(def)],
          ['flat', flatSeries, paramSets(def)],
          // Exempt where Wick departs from TA-Lib on purpose (the reason is in references.ts).
          ...(ref.talibExempt?.spike
            ? []
            : [['flat after a spike', spikeSeries, paramSets(def)] as [string, Columns, Record<string, unknown>[]]]),
          ['gapped', gappedSeries, paramSets(def)],
        ];
        for (const [what, c, sets] of cases) {
          for (const p of sets) {
            const ours = run(def, c, p);
            const theirs = talib(c, p);
            for (const [name, expected] of Object.entries(theirs)) {
              expectSeriesClose(ours[name]!, expected!, label(def, p, what, name), arbitration(def, c, p, name, `TA-Lib, ${what}`));
            }
          }
        }
        if (!ref.nanDiffers) {
          // Raw kernels follow IEEE arithmetic like TA-Lib: the same values become NaN.
          const c = withNaNs(medium);
          for (const p of paramSets(def)) {
            const ours = run(def, c, p);
            for (const [name, expected] of Object.entries(talib(c, p))) {
              expectSeriesClose(ours[name]!, expected!, label(def, p, 'NaN-containing walk', name), { floor: ref.floor ?? 1e-12 });
            }
          }
        }
        for (const p of paramSets(def)) {
          const lb = def.lookback(p);
          for (const n of [Math.max(1, lb), lb + 1, lb + 2]) {
            const c = slice(medium, 0, n);
            const ours = run(def, c, p);
            for (const [name, expected] of Object.entries(talib(c, p))) {
              expectSeriesClose(ours[name]!, expected!, label(def, p, `tiny n=${n}`, name));
            }
          }
        }
      });
    }

    if (ref?.peer) {
      const peer = ref.peer;
      it(`agrees with ${peer.name} to 1e-9 relative`, () => {
        let compared = 0;
        for (const p of paramSets(def)) {
          for (const [what, c] of [
            ['10k random walk', medium],
            ['flat', flatSeries],
          ] as const) {
            const ours = run(def, c, p);
            const theirs = peer.compute(c, p);
            const from = Math.min(peer.from(p), c.close.length);
            for (const [name, expected] of Object.entries(theirs)) {
              const a = ours[name]!.subarray(from);
              const e = expected!.subarray(from);
              // The peer may warm up later or skip bars; compare wherever it has a value.
              const masked = a.map((v, i) => (Number.isNaN(e[i]!) ? NaN : v));
              const opts = arbitration(def, c, p, name, `${peer.name}, ${what}`, from);
              expectSeriesClose(masked, e, label(def, p, what, name), peer.floor === undefined ? opts : { ...opts, floor: peer.floor });
              if (what === '10k random walk') compared += e.filter((v) => !Number.isNaN(v)).length;
            }
          }
        }
        expect(compared, 'values compared on the random walk').toBeGreaterThan(5_000);
      });
    }

    it('streaming equals batch bit for bit, closed candle by closed candle, across JSON round trips of the state', () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 1_000_000 }),
          fc.constantFrom(...paramSets(def)),
          fc.integer({ min: 1, max: 400 }),
          fc.integer({ min: 0, max: 400 }),
          fc.constantFrom('1m' as const, '1h' as const),
          fc.integer({ min: 0, max: 400 }),
          (seed, p, n, historyLength, interval, offset) => {
            // Started `offset` candles before a midnight UTC, so VWAP's daily restart falls inside.
            const c = randomWalk(n, { seed, interval, startTime: Date.UTC(2024, 0, 1) - offset * INTERVAL_MS[interval] });
            const batch = run(def, c, p);
            const lb = def.lookback(p);
            // Part of the series as history, the rest candle by candle.
            const h = Math.min(historyLength, n);
            let s = createStreamingState(def.name, p, slice(c, 0, h));
            expect(s.count).toBe(h);
            const cuts = new Set([h + 1, h + 2, lb, lb + 1, Math.floor(n / 2)]);
            for (let i = h; i < n; i++) {
              if (cuts.has(i)) s = roundTrip(s);
              expectSameValues(def, s.add(candleAt(c, i)), batch, i, `(params ${JSON.stringify(p)}, history ${h})`);
            }
          },
        ),
        { numRuns: 40 },
      );
    });

    it('open-candle updates (peek) and closes (add) equal a fresh batch over the final series, bit for bit (fast-check: N, K, the updates)', () => {
      const version = fc.record({
        move: fc.double({ min: -0.03, max: 0.03, noNaN: true }),
        up: fc.double({ min: 0, max: 0.01, noNaN: true }),
        down: fc.double({ min: 0, max: 0.01, noNaN: true }),
        volume: fc.double({ min: 0, max: 1_000, noNaN: true }),
        restore: fc.boolean(),
      });
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 1_000_000 }),
          fc.constantFrom(...paramSets(def)),
          fc.integer({ min: 0, max: 300 }),
          fc.constantFrom('1m' as const, '1h' as const),
          fc.integer({ min: 0, max: 300 }),
          fc.array(fc.array(version, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 12 }),
          (seed, p, n, interval, offset, updates) => {
            const width = INTERVAL_MS[interval];
            // Started `offset` candles before a midnight UTC, so VWAP's daily restart falls inside.
            const startTime = Date.UTC(2024, 0, 1) - offset * width;
            const history = randomWalk(n, { seed, interval, startTime });
            let s = createStreamingState(def.name, p, history);
            const closed: StreamCandle[] = Array.from({ length: n }, (_, i) => candleAt(history, i));
            const batchWith = (candle: StreamCandle): Outputs => run(def, toColumns([...closed, candle]), p);
            const closes: Record<string, number>[] = [];
            for (const versions of updates) {
              const i = closed.length;
              const open = i > 0 ? closed[i - 1]!.close : 100;
              let candle: StreamCandle | undefined;
              for (const v of versions) {
                const close = open * (1 + v.move);
                candle = {
                  time: startTime + i * width,
                  open,
                  close,
                  high: Math.max(open, close) * (1 + v.up),
                  low: Math.min(open, close) * (1 - v.down),
                  volume: v.volume,
                };
                const before = JSON.stringify(s.toJSON());
                expectSameValues(def, s.peek(candle), batchWith(candle), i, `peeked (params ${JSON.stringify(p)})`);
                expect(JSON.stringify(s.toJSON()), 'peek left the state untouched').toBe(before);
                if (v.restore) s = roundTrip(s);
              }
              const last = candle!;
              const values = s.add(last);
              expectSameValues(def, values, batchWith(last), i, `closed (params ${JSON.stringify(p)})`);
              closes.push(values);
              closed.push(last);
            }
            const final = run(def, toColumns(closed), p);
            closes.forEach((values, j) => expectSameValues(def, values, final, n + j, 'against the final batch'));
            expect(s.count).toBe(n + updates.length);
          },
        ),
        { numRuns: 15 },
      );
    });

    it('property (fast-check): length kept; prices ×2^k scale price-unit outputs exactly and leave ratios bit-identical', () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 1_000_000 }),
          fc.integer({ min: 0, max: 500 }),
          fc.constantFrom(...paramSets(def)),
          fc.constantFrom(0.25, 4, 1024),
          (seed, n, p, factor) => {
            const c = randomWalk(n, { seed });
            const base = run(def, c, p);
            const scaled = run(
              def,
              mapColumns(c, (v) => v * factor, PRICES),
              p,
            );
            for (const o of def.outputs) {
              expect(base[o]!.length).toBe(n);
              const move: Move = references[def.name]!.scale[o]!;
              if (move === 'none') continue;
              for (let i = 0; i < n; i++) {
                const want = move === 'follow' ? base[o]![i]! * factor : base[o]![i]!;
                if (!Object.is(scaled[o]![i], want)) {
                  throw new Error(`${def.name} ${o}[${i}] ×${factor}: ${scaled[o]![i]} != ${want}`);
                }
              }
            }
          },
        ),
        { numRuns: 30 },
      );
    });

    it('property (fast-check): shifting prices by a constant shifts MAs/bands by it and leaves oscillators unchanged', () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 1_000_000 }),
          fc.integer({ min: 1, max: 500 }),
          fc.constantFrom(...paramSets(def)),
          fc.constantFrom(-37.5, 250, 10_000),
          (seed, n, p, shift) => {
            const c = randomWalk(n, { seed, startPrice: 1_000 });
            const base = run(def, c, p);
            const moved = run(
              def,
              mapColumns(c, (v) => v + shift, PRICES),
              p,
            );
            for (const o of def.outputs) {
              const move: Move = references[def.name]!.shift[o]!;
              if (move === 'none') continue;
              const want = move === 'follow' ? base[o]!.map((v) => v + shift) : base[o]!;
              // Shifting is not exact in binary floating point: differences of prices lose a few ulps,
              // so unitless outputs are compared on their natural scale (≥ 1) and prices relatively.
              expectSeriesClose(moved[o]!, want, `${def.name} ${o} shifted by ${shift}`, {
                rel: 1e-7,
                floor: move === 'follow' ? 1e-3 : 1,
              });
            }
          },
        ),
        { numRuns: 30 },
      );
    });
  });
}
