import WebSocket from 'ws';

export type CloseCause =
  /** The server closed or the socket broke (Binance's 24 h cut, a restart, a reset). */
  | 'closed'
  /** Nothing heard (no frame, ping or pong) for silenceTimeoutMs: presumed dead, terminated. */
  | 'silent'
  /** This side closed it (rollover, shutdown). */
  | 'retired';

export interface CloseInfo {
  cause: CloseCause;
  code: number;
  reason: string;
  /** How long the connection was open (ms). */
  uptimeMs: number;
}

export interface StreamConnectionOptions {
  /** Client pings this often; Binance answers each with a pong, so a live link is never silent. */
  pingIntervalMs: number;
  /** Declared dead after this long without any frame, ping or pong. */
  silenceTimeoutMs: number;
  /** Give up opening after this long. */
  openTimeoutMs: number;
  onText(text: string): void;
}

/**
 * One WebSocket to the combined stream. Answers server pings (ws does it at once: autoPong), pings
 * the server itself, and terminates the socket when it falls silent. `closed` settles once, with why.
 */
export class StreamConnection {
  readonly closed: Promise<CloseInfo>;
  private retiring = false;
  private silent = false;
  private lastHeard = performance.now();
  private readonly openedAt = performance.now();
  private readonly timers: NodeJS.Timeout[] = [];

  private constructor(
    private readonly socket: WebSocket,
    options: StreamConnectionOptions,
  ) {
    const heard = () => (this.lastHeard = performance.now());
    socket.on('message', (data, isBinary) => {
      heard();
      options.onText(isBinary ? Buffer.from(data as Buffer).toString('utf8') : data.toString());
    });
    socket.on('ping', heard);
    socket.on('pong', heard);
    // Errors end in 'close'; without a listener ws would throw them.
    socket.on('error', () => undefined);
    this.timers.push(
      setInterval(() => {
        if (socket.readyState === WebSocket.OPEN) socket.ping();
      }, options.pingIntervalMs),
      setInterval(
        () => {
          if (performance.now() - this.lastHeard > options.silenceTimeoutMs && !this.retiring) {
            this.silent = true;
            socket.terminate();
          }
        },
        Math.max(10, Math.min(options.silenceTimeoutMs / 4, 1000)),
      ),
    );
    this.closed = new Promise((resolve) => {
      socket.once('close', (code, reason) => {
        for (const t of this.timers) clearInterval(t);
        const cause: CloseCause = this.silent ? 'silent' : this.retiring ? 'retired' : 'closed';
        resolve({ cause, code, reason: reason.toString(), uptimeMs: performance.now() - this.openedAt });
      });
    });
  }

  /** Opens `url`; rejects if it does not open within openTimeoutMs or `signal` aborts first. */
  static open(url: string, options: StreamConnectionOptions, signal?: AbortSignal): Promise<StreamConnection> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(new Error('aborted before opening'));
      const socket = new WebSocket(url, { handshakeTimeout: options.openTimeoutMs });
      const onError = (err: Error) => fail(err);
      const onResponse = (_req: unknown, res: { statusCode?: number }) =>
        fail(new Error(`stream refused the upgrade: HTTP ${res.statusCode}`));
      const onClose = (code: number) => fail(new Error(`stream closed before opening (code ${code})`));
      const onAbort = () => fail(new Error('aborted before opening'));
      const detach = () => {
        signal?.removeEventListener('abort', onAbort);
        socket.off('error', onError);
        socket.off('unexpected-response', onResponse);
        socket.off('close', onClose);
      };
      const fail = (err: Error) => {
        detach();
        socket.on('error', () => undefined);
        socket.terminate();
        reject(err);
      };
      socket.on('error', onError);
      socket.on('unexpected-response', onResponse);
      socket.on('close', onClose);
      signal?.addEventListener('abort', onAbort, { once: true });
      socket.once('open', () => {
        detach();
        resolve(new StreamConnection(socket, options));
      });
    });
  }

  get uptimeMs(): number {
    return performance.now() - this.openedAt;
  }

  /** Closes it from this side (rollover, shutdown); terminates if the close handshake stalls. */
  retire(reason: string): Promise<CloseInfo> {
    this.retiring = true;
    if (this.socket.readyState === WebSocket.OPEN || this.socket.readyState === WebSocket.CONNECTING) {
      this.socket.close(1000, reason);
      const killer = setTimeout(() => this.socket.terminate(), 2000);
      void this.closed.then(() => clearTimeout(killer));
    }
    return this.closed;
  }
}
