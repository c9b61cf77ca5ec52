// The fault suite's load: workers looping over a mix of Wick's requests, spread over the server
// processes like a load balancer would (a connection refused or reset before any answer goes to the
// next process), each request recorded with its kind, answer and time span.
import superjson from 'superjson';

export type Kind = 'cached' | 'cold' | 'candles' | 'page' | 'summary' | 'export' | 'ingest';

export interface Outcome {
  kind: Kind;
  start: number;
  end: number;
  /** HTTP status, 0 when no process answered at all. */
  status: number;
  /** tRPC error code, when it is one. */
  code: string | null;
  /** Cache status of a compute answer (hit, miss, bypass, …). */
  cache: string | null;
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

/** A request against whichever process takes it; `make` builds it for one base URL. */
async function balanced(
  servers: () => string[],
  rr: { i: number },
  make: (base: string) => [string, RequestInit],
): Promise<Response | null> {
  const list = servers();
  for (let attempt = 0; attempt < list.length; attempt++) {
    const base = list[rr.i++ % list.length]!;
    const [url, init] = make(base);
    try {
      return await fetch(url, { ...init, signal: AbortSignal.timeout(30_000) });
    } catch (err) {
      // Refused or reset with no answer: the process is gone, the balancer tries the next one.
      if ((err as Error).name === 'TimeoutError') return null;
    }
  }
  return null;
}

export class LoadMix {
  readonly outcomes: Outcome[] = [];
  readonly acks: Ack[] = [];
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
    let ack: Ack | null = null;
    const res = await balanced(this.servers, this.rr, (base): [string, RequestInit] => {
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
          const time = t.ingestTimes[this.ingestIndex++ % t.ingestTimes.length]!;
          const close = Math.round(t.basePrice * (1 + (this.ingestIndex % 997) * 1e-4) * 100) / 100;
          ack = { time, close };
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
    let code: string | null = null;
    let cache: string | null = null;
    const status = res?.status ?? 0;
    if (res) {
      const text = await res.text().catch(() => '');
      // A plain route's failure has no tRPC code: its status says it (503 → SERVICE_UNAVAILABLE).
      if (kind === 'export' && status === 503) code = 'SERVICE_UNAVAILABLE';
      else if (kind === 'export' && status !== 200) code = `HTTP_${status}`;
      if (kind !== 'export') {
        try {
          const body = JSON.parse(text) as {
            error?: { json?: { data?: { code?: string } } };
            result?: { data?: { json?: { cache?: { status?: string } } } };
          };
          code = body.error?.json?.data?.code ?? null;
          cache = body.result?.data?.json?.cache?.status ?? null;
        } catch {
          code = 'NOT_JSON';
        }
      }
    }
    const out: Outcome = { kind, start, end: performance.now(), status, code, cache };
    this.outcomes.push(out);
    if (ack && status === 200) this.acks.push(ack);
    return out;
  }
}
