import { createRequire } from 'node:module';
import type talibType from 'talib';

const require = createRequire(import.meta.url);
const talib = require('talib') as typeof talibType;

export type TaInputs = Partial<Record<'inReal' | 'high' | 'low' | 'close' | 'open' | 'volume', Float64Array>>;

/**
 * Run a TA-Lib function over the whole series and lay its outputs out like ours: same length,
 * NaN before begIndex. Plain arrays go in (talib 1.1.6 returns garbage for a Float64Array).
 */
export function taLib(name: string, inputs: TaInputs, options: Record<string, number> = {}): Record<string, Float64Array> {
  let n = 0;
  const spec: Record<string, unknown> = { name, startIdx: 0 };
  for (const [k, v] of Object.entries(inputs)) {
    spec[k] = Array.from(v);
    n = v.length;
  }
  spec.endIdx = n - 1;
  Object.assign(spec, options);
  const r = talib.execute(spec);
  const out: Record<string, Float64Array> = {};
  for (const [k, values] of Object.entries(r.result)) {
    const arr = new Float64Array(n).fill(NaN);
    for (let i = 0; i < r.nbElement; i++) arr[r.begIndex + i] = values[i]!;
    out[k] = arr;
  }
  return out;
}

export const taLibVersion = talib.version;
