import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import type { CandleInput } from '../../src/index.ts';

export interface KlineRequest {
  symbol: string;
  interval: string;
  startTime: number;
  endTime: number;
  limit: number;
}

/** One accepted stream connection, seen from the server side. */
export class FakeSocket {
  /** The streams asked for in the URL (`?streams=a/b`). */
  readonly streams: string[];
  readonly closed: Promise<{ code: number; reason: string }>;
  /** Pings the client sent / pongs it answered to ours. */
  pingsReceived = 0;
  pongsReceived = 0;
  /** When true the server answers nothing (no pong), as a dead link would. */
  silent = false;
  /** How many other connections were open when this one arrived (the rollover overlap). */
  readonly othersOpenOnArrival: number;

  constructor(
    readonly ws: WebSocket,
    url: string,
    othersOpen: number,
  ) {
    this.streams = (new URL(url, 'http://x').searchParams.get('streams') ?? '').split('/').filter(Boolean);
    this.othersOpenOnArrival = othersOpen;
    ws.on('ping', (data) => {
      this.pingsReceived += 1;
      if (!this.silent) ws.pong(data);
    });
    ws.on('pong', () => (this.pongsReceived += 1));
    this.closed = new Promise((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  }

  get open(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  send(frame: unknown): void {
    this.ws.send(JSON.stringify(frame));
  }

  sendRaw(text: string): void {
    this.ws.send(text);
  }

  /** A clean close from the server (Binance's 24 h cut, a restart). */
  closeFromServer(code = 1001, reason = 'going away'): void {
    this.ws.close(code, reason);
  }

  /** The socket dies without a close frame. */
  kill(): void {
    this.ws.terminate();
  }

  ping(): void {
    this.ws.ping();
  }
}

/**
 * A local stand-in for Binance USDⓈ-M: the combined stream (`/stream?streams=…`, frames
 * {"stream","data"}) and REST `GET /fapi/v1/klines` over scripted rows. Scriptable: refuse the
 * next upgrades, fail the next REST calls, go silent, close or kill a socket.
 */
export class FakeBinance {
  readonly sockets: FakeSocket[] = [];
  readonly klineRequests: KlineRequest[] = [];
  /** REST rows per symbol (as Binance's arrays), any order. */
  readonly rows = new Map<string, unknown[][]>();
  /** Statuses the next REST calls answer with before serving rows. */
  readonly restFailures: { status: number; retryAfterSeconds?: number }[] = [];
  /** Upgrades to refuse (HTTP 503) before accepting again. */
  refuseUpgrades = 0;
  refusedUpgrades = 0;
  /** New connections start silent. */
  silentConnections = false;
  /** Called as each connection arrives (before anything else is sent on it). */
  onConnection: ((socket: FakeSocket) => void) | null = null;
  private readonly wss = new WebSocketServer({ noServer: true, autoPong: false });

  private constructor(private readonly http: Server) {
    http.on('request', (req, res) => this.rest(req, res));
    http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      if (this.refuseUpgrades > 0) {
        this.refuseUpgrades -= 1;
        this.refusedUpgrades += 1;
        socket.end('HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => {
        const fake = new FakeSocket(ws, req.url ?? '/', this.sockets.filter((s) => s.open).length);
        fake.silent = this.silentConnections;
        this.sockets.push(fake);
        this.onConnection?.(fake);
      });
    });
  }

  static async start(): Promise<FakeBinance> {
    const http = createServer();
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    return new FakeBinance(http);
  }

  private get port(): number {
    return (this.http.address() as AddressInfo).port;
  }

  get wsUrl(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  get restUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Stores candles as REST rows for `symbol`. */
  addRows(symbol: string, candles: CandleInput[]): void {
    const list = this.rows.get(symbol) ?? [];
    list.push(...candles.map(restRow));
    this.rows.set(symbol, list);
  }

  /** Resolves with the `index`-th connection (0-based) once it has arrived. */
  async connection(index: number, timeoutMs = 20_000): Promise<FakeSocket> {
    const deadline = performance.now() + timeoutMs;
    while (!this.sockets[index]) {
      if (performance.now() > deadline) throw new Error(`connection #${index} never arrived (have ${this.sockets.length})`);
      await new Promise((r) => setTimeout(r, 5));
    }
    return this.sockets[index];
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.ws.terminate();
    this.wss.close();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  private rest(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', this.restUrl);
    if (url.pathname !== '/fapi/v1/klines') {
      res.writeHead(404).end();
      return;
    }
    const q = url.searchParams;
    const request: KlineRequest = {
      symbol: q.get('symbol') ?? '',
      interval: q.get('interval') ?? '',
      startTime: Number(q.get('startTime')),
      endTime: Number(q.get('endTime')),
      limit: Number(q.get('limit') ?? 500),
    };
    this.klineRequests.push(request);
    const failure = this.restFailures.shift();
    if (failure) {
      res.writeHead(failure.status, failure.retryAfterSeconds ? { 'retry-after': String(failure.retryAfterSeconds) } : {});
      res.end(JSON.stringify({ code: -1003, msg: 'scripted failure' }));
      return;
    }
    if (!this.rows.has(request.symbol)) {
      res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ code: -1121, msg: 'Invalid symbol.' }));
      return;
    }
    const rows = (this.rows.get(request.symbol) ?? [])
      .filter((r) => (r[0] as number) >= request.startTime && (r[0] as number) <= request.endTime)
      .sort((a, b) => (a[0] as number) - (b[0] as number))
      .slice(0, Math.min(request.limit, 1500));
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(rows));
  }
}

/** A candle as Binance's REST row: [openTime, o, h, l, c, v, closeTime, q, n, V, Q, ignore]. */
export function restRow(c: CandleInput): unknown[] {
  return [
    c.time,
    String(c.open),
    String(c.high),
    String(c.low),
    String(c.close),
    String(c.volume),
    c.time + 59_999,
    String(c.quoteVolume ?? 0),
    c.trades ?? 0,
    '0',
    '0',
    '0',
  ];
}

/** A combined-stream kline frame for `c` as Binance sends it. */
export function klineFrame(symbol: string, c: CandleInput, options: { eventTime: number; final?: boolean }): unknown {
  const s = symbol.toLowerCase();
  return {
    stream: `${s}@kline_1m`,
    data: {
      e: 'kline',
      E: options.eventTime,
      s: symbol,
      k: {
        t: c.time,
        T: c.time + 59_999,
        s: symbol,
        i: '1m',
        f: 100,
        L: 200,
        o: String(c.open),
        c: String(c.close),
        h: String(c.high),
        l: String(c.low),
        v: String(c.volume),
        n: c.trades ?? 0,
        x: options.final ?? false,
        q: String(c.quoteVolume ?? 0),
        V: '0',
        Q: '0',
        B: '0',
      },
    },
  };
}

/** A combined-stream forceOrder frame. */
export function forceOrderFrame(
  symbol: string,
  o: { side: 'BUY' | 'SELL'; quantity: string; price: string; averagePrice: string; tradeTime: number },
): unknown {
  return {
    stream: `${symbol.toLowerCase()}@forceOrder`,
    data: {
      e: 'forceOrder',
      E: o.tradeTime + 5,
      o: {
        s: symbol,
        S: o.side,
        o: 'LIMIT',
        f: 'IOC',
        q: o.quantity,
        p: o.price,
        ap: o.averagePrice,
        X: 'FILLED',
        l: o.quantity,
        z: o.quantity,
        T: o.tradeTime,
      },
    },
  };
}
