import type { IncomingMessage, Server, ServerOptions } from 'node:http';
import type { Socket } from 'node:net';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { ServerConfig } from './config.ts';

/**
 * What one server process gives a client before it has earned anything: bounded sockets, bounded
 * header and body sizes, bounded time to send a request. Hostile clients (thousands of idle sockets,
 * a slowloris, a 100 MB body, 1 MB of headers) cost bounded file descriptors and memory, and never
 * lock others out.
 */
export interface SocketLimits {
  /** Time a client has to send a request's headers, from its first byte (slowloris). */
  headersTimeoutMs: number;
  /** Time a client has to send a whole request, body included. */
  requestTimeoutMs: number;
  /** Bytes of request line + headers; past it 431. A long query string counts here. */
  maxHeaderBytes: number;
  /** Bytes of a request body; past it 413. */
  maxBodyBytes: number;
  /** Sockets open at once; past it new connections are refused by the kernel-side accept. */
  maxConnections: number;
  /**
   * Sockets kept that have not sent a first request (connected and silent, or a slowloris still
   * dripping headers). Past it the one silent longest is closed to make room, so a flood of idle
   * sockets can never lock a new client (health, a load balancer's probe) out the way a plain
   * connection cap would. Keep-alive sockets between requests are bounded by keepAliveTimeout
   * instead: closing one here would race the client reusing it (a reset on its next request).
   */
  maxIdleSockets: number;
}

/** The node:http server options these limits set (createServer's first argument). */
export function serverOptions(limits: SocketLimits): ServerOptions {
  return {
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    maxHeaderSize: limits.maxHeaderBytes,
    // How often node checks the two timeouts above (its default, 30 s, would let them run late).
    connectionsCheckingInterval: Math.max(250, Math.min(1000, limits.headersTimeoutMs / 4)),
  };
}

export type SocketRefusal = 'idle_evicted' | 'body_too_large' | 'header_too_large' | 'timed_out' | 'bad_request';

export interface SocketGuard {
  /** False when the request has been answered on its socket (413): its body is too large. Call first for every request. */
  admitBody(req: IncomingMessage): boolean;
  /** Sockets open / idle now (for tests and the metric). */
  open(): number;
  idle(): number;
  refused(): Record<SocketRefusal, number>;
}

const REFUSALS: SocketRefusal[] = ['idle_evicted', 'body_too_large', 'header_too_large', 'timed_out', 'bad_request'];

/** How long a refused client may go on sending (discarded) so that it reads its 4xx before the socket closes. */
const LINGER_MS = 2000;

interface Tracked {
  /** socket.bytesRead at the last look (node's count, kept without a 'data' listener). */
  lastBytes: number;
  /** Since when it has been silent: it went idle, or bytes were last seen arriving. */
  silentSince: number;
}

/**
 * An idle socket is closed only once it has been silent this long: a client that just connected
 * (a burst of them from one busy process) or is still sending a request's headers is not idle.
 * A flood of silent sockets is closed within about this long, plus one sweep.
 */
const IDLE_GRACE_MS = 1000;
const SWEEP_MS = 250;

/**
 * Applies the limits to a server made with serverOptions(limits). Sockets that have not sent a first
 * request are kept in the order they connected (a Set keeps insertion order), so the one silent
 * longest is the one closed when more than maxIdleSockets wait.
 */
export function guardSockets(server: Server, limits: SocketLimits, registry?: Registry): SocketGuard {
  const tracked = new Map<Socket, Tracked>();
  const idle = new Set<Socket>();
  const counts = Object.fromEntries(REFUSALS.map((r) => [r, 0])) as Record<SocketRefusal, number>;
  const answered = new WeakSet<Socket>();
  const refusedMetric = registry
    ? new Counter({
        name: 'wick_http_refused_total',
        help: 'Sockets or requests refused by the socket limits',
        labelNames: ['reason'],
        registers: [registry],
      })
    : null;
  if (registry) {
    new Gauge({
      name: 'wick_http_sockets',
      help: 'Client sockets open, by state',
      labelNames: ['state'],
      registers: [registry],
      collect() {
        this.set({ state: 'before_first_request' }, idle.size);
        this.set({ state: 'served' }, tracked.size - idle.size);
      },
    });
  }
  const count = (reason: SocketRefusal) => {
    counts[reason]++;
    refusedMetric?.inc({ reason });
  };

  const requested = new WeakSet<Socket>();
  /** True (and its silence restarted) if bytes arrived since the last look. */
  const heardFrom = (socket: Socket, state: Tracked, now: number): boolean => {
    if (socket.bytesRead === state.lastBytes) return false;
    state.lastBytes = socket.bytesRead;
    state.silentSince = now;
    return true;
  };
  /**
   * Closes the sockets silent longest until at most maxIdleSockets are idle; spares the ones silent
   * less than IDLE_GRACE_MS. The sweeper runs in the timers phase, before this loop turn reads the
   * sockets: after a stalled loop (a loaded box) bytes a client sent in time may not be counted yet.
   * So the chosen ones are closed after the poll phase (setImmediate), if they are still silent.
   */
  const sweep = () => {
    const now = performance.now();
    const chosen: Socket[] = [];
    for (let budget = idle.size; idle.size > limits.maxIdleSockets && budget > 0; budget--) {
      const oldest = idle.values().next().value as Socket;
      const state = tracked.get(oldest)!;
      idle.delete(oldest);
      heardFrom(oldest, state, now);
      if (now - state.silentSince < IDLE_GRACE_MS) {
        // Moved to the young end (a slowloris keeps sending: headersTimeoutMs bounds it instead).
        idle.add(oldest);
        continue;
      }
      chosen.push(oldest);
    }
    if (chosen.length === 0) return;
    setImmediate(() => {
      const later = performance.now();
      for (const socket of chosen) {
        const state = tracked.get(socket);
        if (!state || requested.has(socket)) continue;
        if (heardFrom(socket, state, later)) idle.add(socket);
        else {
          count('idle_evicted');
          socket.destroy();
        }
      }
    });
  };
  // Sockets of a flood still in their grace are closed by the next sweep, even if no new connection comes.
  const sweeper = setInterval(() => idle.size > limits.maxIdleSockets && sweep(), SWEEP_MS);
  sweeper.unref();
  server.once('close', () => clearInterval(sweeper));

  server.maxConnections = limits.maxConnections;
  server.on('connection', (socket: Socket) => {
    tracked.set(socket, { lastBytes: socket.bytesRead, silentSince: performance.now() });
    idle.add(socket);
    socket.once('close', () => {
      tracked.delete(socket);
      idle.delete(socket);
    });
    if (idle.size > limits.maxIdleSockets) sweep();
  });
  server.on('request', (req: IncomingMessage) => {
    const socket = req.socket;
    // It has sent a request: no longer idle-cap material (keepAliveTimeout bounds it from here).
    idle.delete(socket);
    requested.add(socket);
  });
  // Header overflow, timeouts, malformed requests: answer the client once (node's default destroys
  // the socket at once, so a client still sending its 1 MB URL sees a reset instead of the 431).
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    // The parser repeats its error for every later chunk: the first one was answered.
    if (answered.has(socket)) return;
    answered.add(socket);
    if (err.code === 'ECONNRESET' || !socket.writable) return void socket.destroy();
    // A response already on its way (keep-alive: the previous request's) must not get raw bytes in
    // its middle; node's own default handler makes the same check.
    if ((socket as { _httpMessage?: { headersSent?: boolean } | null })._httpMessage?.headersSent) return void socket.destroy();
    const [reason, status, message] = CLIENT_ERRORS[err.code ?? ''] ?? CLIENT_ERRORS.default!;
    count(reason);
    const body = JSON.stringify({ error: message.replace('%', String(limits.maxHeaderBytes)) });
    socket.end(`HTTP/1.1 ${status}\r\n${rawHeaders(body)}${body}`);
    // A timed-out client gets its 408 and nothing more; a refused one may still be sending (discarded) for a moment.
    if (reason === 'timed_out') socket.destroySoon();
    else lingerAfterResponse(socket);
  });

  return {
    admitBody(req) {
      const length = Number(req.headers['content-length'] ?? 0);
      if (!(length > limits.maxBodyBytes)) return true;
      count('body_too_large');
      // Answered on the socket, half-closed, and what the client still sends is read and dropped
      // (a lingering close, as nginx does): closing a socket the client is still writing to resets
      // it, and the client would lose the 413 it has not read yet. Never buffered; bounded by the
      // client finishing, or by requestTimeoutMs.
      const socket = req.socket;
      answered.add(socket);
      const body = JSON.stringify({ error: `Request body of ${length} bytes exceeds ${limits.maxBodyBytes} bytes` });
      socket.end(`HTTP/1.1 413 Payload Too Large\r\n${rawHeaders(body)}${body}`);
      req.on('end', () => socket.destroy());
      req.resume();
      setTimeout(() => socket.destroy(), limits.requestTimeoutMs).unref();
      return false;
    },
    open: () => tracked.size,
    idle: () => idle.size,
    refused: () => Object.fromEntries(REFUSALS.map((r) => [r, counts[r]])) as Record<SocketRefusal, number>,
  };
}

const CLIENT_ERRORS: Record<string, [SocketRefusal, string, string]> = {
  HPE_HEADER_OVERFLOW: ['header_too_large', '431 Request Header Fields Too Large', 'Request line and headers exceed % bytes'],
  ERR_HTTP_REQUEST_TIMEOUT: ['timed_out', '408 Request Timeout', 'The request was not sent in time'],
  default: ['bad_request', '400 Bad Request', 'Malformed HTTP request'],
};

function rawHeaders(body: string): string {
  return `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n`;
}

/** After the answer, what the client still sends is read and dropped until it stops or LINGER_MS passes. */
function lingerAfterResponse(socket: Socket): void {
  socket.on('data', () => undefined);
  socket.resume();
  setTimeout(() => socket.destroy(), LINGER_MS).unref();
}

/** The limits from the server's configuration (config.ts, HTTP_*). */
export function socketLimitsOf(config: ServerConfig): SocketLimits {
  return {
    headersTimeoutMs: config.HTTP_HEADERS_TIMEOUT_MS,
    requestTimeoutMs: config.HTTP_REQUEST_TIMEOUT_MS,
    maxHeaderBytes: config.HTTP_MAX_HEADER_BYTES,
    maxBodyBytes: config.HTTP_MAX_BODY_BYTES,
    maxConnections: config.HTTP_MAX_CONNECTIONS,
    maxIdleSockets: config.HTTP_MAX_IDLE_SOCKETS,
  };
}
