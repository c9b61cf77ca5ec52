import { INTERVAL_MS } from '@wick/market';
import type { Logger } from 'pino';
import { Backoff } from '../backoff.ts';
import type { CandleInput } from '../candle-input.ts';
import type { Clock } from '../clock.ts';
import { MAX_KLINES_PER_REQUEST, restKlineRowSchema } from './payloads.ts';

const MINUTE = INTERVAL_MS['1m'];

export interface KlineFetchOptions {
  restUrl: string;
  clock: Clock;
  log: Logger;
  fetch?: typeof globalThis.fetch;
  signal?: AbortSignal;
  /** Tries per page before giving up (429/418 wait their Retry-After, 5xx and network errors back off). */
  maxAttempts?: number;
  /** Rows per request (Binance allows up to 1,500). */
  pageSize?: number;
}

/** A request Binance will never answer differently (400: unknown symbol, bad range…). */
export class KlineRequestError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'KlineRequestError';
  }
}

/**
 * The closed 1m klines of `symbol` with open times from `firstOpen` to `lastOpen` inclusive, paged
 * through GET /fapi/v1/klines (startTime = the next wanted open time, endTime = the last wanted
 * minute's close time, limit ≤ 1,500). Malformed rows are logged and left out.
 */
export async function fetchKlines(symbol: string, firstOpen: number, lastOpen: number, options: KlineFetchOptions): Promise<CandleInput[]> {
  const pageSize = Math.min(MAX_KLINES_PER_REQUEST, options.pageSize ?? MAX_KLINES_PER_REQUEST);
  const endTime = lastOpen + MINUTE - 1;
  const out: CandleInput[] = [];
  let cursor = firstOpen;
  while (cursor <= lastOpen) {
    const url = new URL('/fapi/v1/klines', options.restUrl);
    url.search = new URLSearchParams({
      symbol,
      interval: '1m',
      startTime: String(cursor),
      endTime: String(endTime),
      limit: String(pageSize),
    }).toString();
    const rows = await getJson(url, options);
    if (!Array.isArray(rows)) throw new KlineRequestError(`klines answer is not an array (${url.pathname})`, 200);
    let last = -Infinity;
    for (const raw of rows) {
      const row = restKlineRowSchema.safeParse(raw);
      if (!row.success) {
        options.log.warn({ symbol, row: JSON.stringify(raw).slice(0, 200) }, 'malformed kline row skipped');
        continue;
      }
      const [time, open, high, low, close, volume, , quoteVolume, trades] = row.data;
      last = Math.max(last, time);
      if (time < cursor || time > lastOpen || time % MINUTE !== 0) continue;
      out.push({ time, open, high, low, close, volume, quoteVolume, trades });
    }
    if (rows.length < pageSize || last === -Infinity) break;
    cursor = last + MINUTE;
  }
  // Pages never overlap, but a misbehaving server could repeat a row: keep one per open time.
  const byTime = new Map(out.map((c) => [c.time, c]));
  return [...byTime.values()].sort((a, b) => a.time - b.time);
}

async function getJson(url: URL, options: KlineFetchOptions): Promise<unknown> {
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const maxAttempts = options.maxAttempts ?? 6;
  const backoff = new Backoff({ initialMs: 500, maxMs: 15_000 });
  for (let attempt = 1; ; attempt++) {
    let waitMs: number;
    let problem: string;
    try {
      const res = await fetchImpl(url, { signal: options.signal ?? null, headers: { accept: 'application/json' } });
      if (res.ok) return await res.json();
      const body = (await res.text()).slice(0, 200);
      problem = `HTTP ${res.status}: ${body}`;
      if (res.status === 429 || res.status === 418) {
        // Binance: 429 = over the request weight, 418 = IP banned for ignoring 429s; both say Retry-After.
        const seconds = Number(res.headers.get('retry-after'));
        waitMs = Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : backoff.next();
      } else if (res.status >= 500) {
        waitMs = backoff.next();
      } else {
        throw new KlineRequestError(`GET ${url.pathname}${url.search} failed: ${problem}`, res.status);
      }
    } catch (err) {
      if (err instanceof KlineRequestError || options.signal?.aborted) throw err;
      problem = err instanceof Error ? err.message : String(err);
      waitMs = backoff.next();
    }
    if (attempt >= maxAttempts) throw new Error(`GET ${url.pathname}${url.search} failed ${attempt} times; last: ${problem}`);
    options.log.warn({ url: url.toString(), problem, waitMs }, 'klines request failed: retrying');
    await options.clock.sleep(waitMs, options.signal);
  }
}
