// The fault suite's load: workers looping over a mix of Wick's requests, spread over the server
// processes like a load balancer would (a connection refused or reset before any answer goes to the
// next process), each request recorded with its kind, answer and time span.
import superjson from 'superjson';
import type { IngestAttempt } from './ingest-check.ts';

export type Kind = 'cached' | 'cold' | 'candles' | 'page' | 'summary' | 'export' | 'ingest';

export interface Outcome {
  kind: Kind;
  start: number;
  end: number;
  /** HTTP status, 0 when no process answered at all. */
  status: number;
  /** tRPC error code, when it is one; with status 0, why no answer came (UND_ERR_SOCKET, CLIENT_TIMEOUT, …). */
  code: string | null;
  /** Cache status of a compute answer (hit, miss, bypass, …). */
  cache: string | null;
  /** A failure's data.reason (db_unavailable, cache_unavailable, overloaded, timeout, …): why a 503 or 408 came. */
  reason: string | null;
  /** Base URL of the process that gave the answer (the last one tried), null when none was tried. */
  server: string | null;
}

export interface Ack {
  time: number;
  close: number;
}

export interface MixTargets {
  symbol: string;
  /** The closed window every cached compute names. */
  to: number;
  /** Liquidation range for pages, summaries, exports. */
  newest: number;
  /** 1m candle times the writers may re-ingest, one each, never twice. */
  ingestTimes: number[];
  /** Writers ingest here, not into `symbol`: a re-ingest changes its series, the cached reads' must stay put. */
  ingestSymbol: string;
  basePrice: number;
  ingestKey: string;
}

const KINDS: Kind[] = ['cached', 'cached', 'cached', 'cold', 'candles', 'page', 'summary', 'export', 'ingest'];

function trpcUrl(base: string, path: string, input: unknown): string {
  return `${base}/trpc/${path}?input=${encodeURIComponent(JSON.stringify(superjson.serialize(input)))}`;
}

/** The code of a fetch failure: undici's (UND_ERR_SOCKET, …) or the socket's (ECONNRESET, …), else the error's name. */
export function failureCode(err: unknown): string {
  const e = err as { name?: string; code?: string; cause?: { code?: string; name?: string } };
  if (e?.name === 'TimeoutError') return 'CLIENT_TIMEOUT';
  return e?.cause?.code ?? e?.code ?? e?.cause?.name ?? e?.name ?? 'UNKNOWN';
}

/** What an HTTP exchange gave: a response, or no response and why (never a throw). */
export type Exchange = { res: Response; error: null; server: string } | { res: null; error: string; server: string | null };

/**
 * A request against whichever process takes it; `make` builds it for one base URL. A connection
 * refused, reset or closed with no answer goes to the next process, as a load balancer does; when
 * no process answers the exchange carries the last error's code.
 */
async function balanced(servers: () => string[], rr: { i: number }, make: (base: string) => [string, RequestInit]): Promise<Exchange> {
  const list = servers();
  let error = 'NO_SERVER';
  let server: string | null = null;
  for (let attempt = 0; attempt < list.length; attempt++) {
    const base = list[rr.i++ % list.length]!;
    server = base;
    const [url, init] = make(base);
    try {
      return { res: await fetch(url, { ...init, signal: AbortSignal.timeout(30_000) }), error: null, server: base };
    } catch (err) {
      error = failureCode(err);
      if (error === 'CLIENT_TIMEOUT') break;
    }
  }
  return { res: null, error, server };
}

export class LoadMix {
  readonly outcomes: Outcome[] = [];
  readonly acks: Ack[] = [];
  /** Every ingest, whatever its answer (a 503 or no answer may still have committed: ingest-check.ts). */
  readonly attempts: IngestAttempt[] = [];
  private running = false;
  private workers: Promise<void>[] = [];
  private salt = 0;
  private ingestIndex = 0;
  private readonly rr = { i: 0 };

  constructor(
    private readonly servers: () => string[],
    private readonly targets: MixTargets,
  ) {}

  start(concurrency: number, kinds: Kind[] = KINDS): void {
    this.running = true;
    for (let w = 0; w < concurrency; w++) this.workers.push(this.loop(w, kinds));
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.workers);
    this.workers = [];
  }

  private async loop(w: number, kinds: Kind[]): Promise<void> {
    let n = w;
    while (this.running) {
      const kind = kinds[n++ % kinds.length]!;
      await this.one(kind);
    }
  }

  async one(kind: Kind): Promise<Outcome> {
    const t = this.targets;
    const start = performance.now();
    // One candle per ingest, chosen once: a retry on the next process sends the same one (the first
    // process may have committed it before its connection broke).
    let ack: Ack | null = null;
    if (kind === 'ingest') {
      const time = t.ingestTimes[this.ingestIndex++ % t.ingestTimes.length]!;
      ack = { time, close: Math.round(t.basePrice * (1 + (this.ingestIndex % 997) * 1e-4) * 100) / 100 };
    }
    const { res, error, server } = await balanced(this.servers, this.rr, (base): [string, RequestInit] => {
      switch (kind) {
        case 'cached':
          return [
            trpcUrl(base, 'indicators.compute', {
              symbol: t.symbol,
              interval: '1m',
              indicator: 'rsi',
              params: { period: 14 },
              limit: 500,
              to: t.to,
            }),
            {},
          ];
        case 'cold':
          return [
            trpcUrl(base, 'indicators.compute', {
              symbol: t.symbol,
              interval: '1m',
              indicator: 'bbands',
              params: { period: 20, stdDev: 2 + ++this.salt * 1e-7 },
              limit: 500,
              to: t.to,
            }),
            {},
          ];
        case 'candles':
          return [trpcUrl(base, 'candles.range', { symbol: t.symbol, interval: '5m', limit: 200, to: t.to }), {}];
        case 'page':
          return [trpcUrl(base, 'liquidations.list', { limit: 100 }), {}];
        case 'summary':
          return [trpcUrl(base, 'liquidations.summary', { bucket: '1h', from: t.newest - 86_400_000, to: t.newest }), {}];
        case 'export':
          return [`${base}/export/liquidations.csv?from=${t.newest - 3_600_000}&to=${t.newest}`, {}];
        case 'ingest': {
          const { time, close } = ack!;
          const body = superjson.serialize({
            symbol: t.ingestSymbol,
            interval: '1m',
            candles: [{ time, open: close, high: close, low: close, close, volume: 1 }],
          });
          return [
            `${base}/trpc/candles.ingest`,
            {
              method: 'POST',
              headers: { 'content-type': 'application/json', authorization: `Bearer ${t.ingestKey}` },
              body: JSON.stringify(body),
            },
          ];
        }
      }
    });
    let code: string | null = error;
    let cache: string | null = null;
    let reason: string | null = null;
    let status = res?.status ?? 0;
    if (res) {
      let text = '';
      try {
        text = await res.text();
      } catch (err) {
        // The answer broke off mid-body: no answer, with the socket's reason.
        status = 0;
        code = `BODY_${failureCode(err)}`;
      }
      if (status !== 0 && kind === 'export') {
        // A plain route's failure has no tRPC code: its status says it (503 → SERVICE_UNAVAILABLE).
        code = status === 200 ? null : status === 503 ? 'SERVICE_UNAVAILABLE' : `HTTP_${status}`;
      } else if (status !== 0) {
        try {
          const body = JSON.parse(text) as {
            error?: { json?: { data?: { code?: string; reason?: string } } };
            result?: { data?: { json?: { cache?: { status?: string } } } };
          };
          code = body.error?.json?.data?.code ?? null;
          reason = body.error?.json?.data?.reason ?? null;
          cache = body.result?.data?.json?.cache?.status ?? null;
        } catch {
          code = 'NOT_JSON';
        }
      }
    }
    const out: Outcome = { kind, start, end: performance.now(), status, code, reason, cache, server };
    this.outcomes.push(out);
    if (ack) {
      this.attempts.push({ ...ack, start, end: out.end, status });
      if (status === 200) this.acks.push(ack);
    }
    return out;
  }
}
