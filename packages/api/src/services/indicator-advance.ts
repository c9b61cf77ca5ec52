import type { SeriesHead } from '@wick/cache';
import { createStreamingState, restoreStreamingState, type StreamCandle, type StreamingState } from '@wick/indicators';
import type { CandleColumns } from '@wick/market';
import { firstAfter, isLatestWindow, type Window } from './series-window.ts';
import type { StoredResult } from './stored-result.ts';

/**
 * Indicators whose cached results are recomputed after a live write instead of advanced from
 * state. OBV is cumulative from the first candle a computation reads, so a "latest N" window read
 * anew (its first candle moved on) differs from one carried forward by a constant: advancing would
 * make a hit and a miss of the same request disagree. Every other registry indicator's streaming
 * state gives what a fresh computation over the window and its history gives (to the 1e-12 of
 * historyFor, bit for bit where the history is complete).
 */
const RECOMPUTED = new Set(['obv']);

export function advancesFromState(indicator: string): boolean {
  return !RECOMPUTED.has(indicator);
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function candleAt(c: CandleColumns, i: number): StreamCandle {
  return { time: c.time[i]!, open: c.open[i]!, high: c.high[i]!, low: c.low[i]!, close: c.close[i]!, volume: c.volume[i]! };
}

function sliceColumns(c: CandleColumns, from: number, to: number): CandleColumns {
  return {
    time: c.time.subarray(from, to),
    open: c.open.subarray(from, to),
    high: c.high.subarray(from, to),
    low: c.low.subarray(from, to),
    close: c.close.subarray(from, to),
    volume: c.volume.subarray(from, to),
  };
}

/**
 * The streaming state after every candle of `columns` but the last (the provisional one), fed with
 * `warmup` candles of history before that point: enough for its values to equal a computation over
 * the whole series (historyFor's promise), without replaying a long window. Null when the
 * candles do not suit the state (it refuses non-finite input): that result recomputes instead.
 */
export function stateBeforeLast(
  columns: CandleColumns,
  indicator: string,
  params: Record<string, unknown>,
  warmup: number,
): Uint8Array | null {
  const n = columns.time.length;
  if (n === 0) return null;
  const end = n - 1;
  const start = Math.max(0, end - 1 - warmup);
  try {
    const state = createStreamingState(indicator, params, sliceColumns(columns, start, end));
    return encoder.encode(JSON.stringify(state.toJSON()));
  } catch {
    return null;
  }
}

/**
 * Brings a cached result up to the series head after writes that only touched the newest candles
 * (older changes bump the generation instead). Sealed results are unchanged. A "latest N" result
 * with a state: the tail candles after the state's last closed candle, up to `to`, are added (all
 * but the newest, which is peeked: it is provisional), their values replace the stored ones from
 * there, the window keeps its last `limit` values and the new state is kept. Idempotent: a head
 * already reflected in the result gives the same values again. Undefined (→ recompute): no state,
 * a `from` window, or a tail that does not reach back to the window's last candle (a gap).
 */
export function advanceResult(stored: StoredResult, head: SeriesHead, window: Window): StoredResult | undefined {
  if (stored.sealed) return stored;
  if (!isLatestWindow(window) || stored.state === null) return undefined;
  const times = stored.time;
  const tail = head.tail;
  if (times.length === 0 || tail.time.length === 0 || tail.time[0]! > times[times.length - 1]!) return undefined;

  let state: StreamingState;
  try {
    state = restoreStreamingState(JSON.parse(decoder.decode(stored.state)));
  } catch {
    return undefined;
  }
  const committed = state.count > 0 ? state.lastTime : Number.NEGATIVE_INFINITY;
  const from = firstAfter(tail.time, committed);
  const to = firstAfter(tail.time, window.to ?? Number.POSITIVE_INFINITY);
  if (from >= to) return undefined;

  const fresh = to - from;
  const fresher: Record<string, number>[] = [];
  for (let i = from; i < to; i++) {
    const candle = candleAt(tail, i);
    fresher.push(i < to - 1 ? state.add(candle) : state.peek(candle));
  }
  const kept = firstAfter(times, committed);
  const length = Math.min(window.limit, kept + fresh);
  const skip = kept + fresh - length;
  const time = new Float64Array(length);
  const outputs: Record<string, Float64Array> = {};
  for (const name of Object.keys(stored.outputs)) outputs[name] = new Float64Array(length);
  for (let i = skip; i < kept + fresh; i++) {
    const at = i - skip;
    if (i < kept) {
      time[at] = times[i]!;
      for (const [name, values] of Object.entries(outputs)) values[at] = stored.outputs[name]![i]!;
    } else {
      const k = i - kept;
      time[at] = tail.time[from + k]!;
      for (const [name, values] of Object.entries(outputs)) values[at] = fresher[k]![name] ?? Number.NaN;
    }
  }
  // A tail candle past `to`: the series goes on past the window, which is final from now on.
  const sealed = to < tail.time.length;
  return {
    time,
    outputs,
    computeMs: stored.computeMs,
    sealed,
    state: sealed ? null : encoder.encode(JSON.stringify(state.toJSON())),
  };
}
