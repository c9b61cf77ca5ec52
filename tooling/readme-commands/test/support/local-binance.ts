import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export interface KlineCandle {
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

/**
 * The least of Binance USDⓈ-M a connector run needs, on loopback (there is no internet here): the
 * combined stream (`/stream?streams=…`, frames {"stream","data"} in Binance's public kline format)
 * and REST klines answering no rows. @wick/feeds' own, scriptable fake is test-only (not exported).
 */
export class LocalBinance {
  /** The streams each connection asked for. */
  readonly connections: string[][] = [];
  private readonly sockets = new Set<WebSocket>();

  private constructor(
    private readonly http: Server,
    private readonly wss: WebSocketServer,
    readonly port: number,
  ) {}

  static async start(): Promise<LocalBinance> {
    const http = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('[]');
    });
    const wss = new WebSocketServer({ noServer: true });
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    const fake = new LocalBinance(http, wss, (http.address() as AddressInfo).port);
    http.on('upgrade', (req, socket, head) => {
      wss.handleUpgrade(req, socket, head, (ws) => {
        fake.connections.push((new URL(req.url ?? '/', 'http://x').searchParams.get('streams') ?? '').split('/').filter(Boolean));
        fake.sockets.add(ws);
        ws.on('close', () => fake.sockets.delete(ws));
      });
    });
    return fake;
  }

  get wsUrl(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  get restUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get openSockets(): number {
    return this.sockets.size;
  }

  /** A kline update of `symbol` to every open connection, as Binance sends it. */
  sendKline(symbol: string, c: KlineCandle): void {
    const frame = {
      stream: `${symbol.toLowerCase()}@kline_1m`,
      data: {
        e: 'kline',
        E: c.time + 1000,
        s: symbol,
        k: {
          t: c.time,
          T: c.time + 59_999,
          s: symbol,
          i: '1m',
          f: 1,
          L: 2,
          o: String(c.open),
          c: String(c.close),
          h: String(c.high),
          l: String(c.low),
          v: String(c.volume),
          n: 2,
          x: false,
          q: '0',
          V: '0',
          Q: '0',
          B: '0',
        },
      },
    };
    for (const ws of this.sockets) ws.send(JSON.stringify(frame));
  }

  async close(): Promise<void> {
    for (const ws of this.sockets) ws.terminate();
    await new Promise<void>((r) => this.wss.close(() => r()));
    await new Promise<void>((r) => this.http.close(() => r()));
  }
}
