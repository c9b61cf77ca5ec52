import type { IncomingMessage, ServerResponse } from 'node:http';
import { callTRPCProcedure, getTRPCErrorFromUnknown, getTRPCErrorShape, isTrackedEnvelope, type TRPCError } from '@trpc/server';
import { appRouter, type Context } from '@wick/api';
import type { Logger } from 'pino';
import superjson from 'superjson';

/** The subscriptions this writer serves (everything else under /trpc/ goes to tRPC's adapter). */
const LIVE_PROCEDURES = new Set(['candles.live', 'indicators.live', 'indicators.liveMany', 'liquidations.live']);

const HEADERS = {
  'content-type': 'text/event-stream',
  'cache-control': 'no-cache, no-transform',
  'x-accel-buffering': 'no',
  connection: 'keep-alive',
} as const;

/** The subscription a GET under /trpc/ names, if it is one of ours. */
export function liveProcedureOf(method: string | undefined, pathname: string): string | null {
  if (method !== 'GET' || !pathname.startsWith('/trpc/')) return null;
  const path = decodeURIComponent(pathname.slice('/trpc/'.length));
  return LIVE_PROCEDURES.has(path) ? path : null;
}

/** A tracked event's SSE bytes, and the same as one HTTP/1.1 chunk (what a chunked response writes to its socket). */
interface Frame {
  id: string;
  frame: Buffer;
  chunk: Buffer | null;
}

/**
 * Frames already encoded, per event object: every stream at the same position of a channel is
 * handed the same event, so it is serialized (superjson → JSON → UTF-8) once, and the same bytes
 * are written to every socket. Weak: a frame lives as long as its event is referenced.
 */
const frames = new WeakMap<object, Frame>();

/** The SSE frame of a tracked event: `data:` then `id:`, as tRPC's own producer writes it (httpSubscriptionLink reads it). */
function trackedFrame(id: string, value: unknown, encoded: () => void): Frame {
  const shareable = typeof value === 'object' && value !== null;
  const hit = shareable ? frames.get(value) : undefined;
  if (hit !== undefined && hit.id === id) return hit;
  const frame: Frame = {
    id,
    frame: Buffer.from(`data: ${JSON.stringify(superjson.serialize(value))}\nid: ${id}\n\n`, 'utf8'),
    chunk: null,
  };
  encoded();
  if (shareable) frames.set(value, frame);
  return frame;
}

const CRLF = Buffer.from('\r\n');

/** The frame framed as one chunk of a chunked response: written with one socket write, no per-stream framing. */
function chunkOf(frame: Frame): Buffer {
  frame.chunk ??= Buffer.concat([Buffer.from(`${frame.frame.length.toString(16)}\r\n`, 'latin1'), frame.frame, CRLF]);
  return frame.chunk;
}

const dataOf = (value: unknown): string => JSON.stringify(superjson.serialize(value));

/**
 * A live subscription in tRPC's SSE wire format (what httpSubscriptionLink reads: `connected`, data
 * events with tracked ids, `ping`, `serialized-error`, `return`), written straight to the socket.
 * tRPC's own producer passes every event of every stream through four web streams and serializes it
 * per stream; here an event is encoded once into its frame and the same bytes go to every stream.
 * The procedure runs through tRPC's own call path (input parsing, middleware: rate limit, timing,
 * error mapping) exactly as the adapter would. A stream the procedure offered as a push feed
 * (candles.live) is then written by its channel's fan-out directly — no generator, promise or
 * listener per event and stream; it is told when the socket backs up (write() false: it coalesces
 * meanwhile) and resumed on drain. Any other stream is pulled, the next event once the socket took
 * the previous one (load-tests/bench/push-latency.ts).
 */
export async function serveLiveStream(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  path: string,
  ctx: Context,
  log: Logger,
): Promise<void> {
  const config = appRouter._def._config;
  const pingMs = config.sse?.ping?.enabled ? (config.sse.ping.intervalMs ?? 1000) : 0;
  const clientOptions = config.sse?.client ?? {};
  const abort = new AbortController();
  const closed = () => abort.abort(new DOMException('the client left', 'AbortError'));
  res.once('close', closed);

  const lastEventId = headerOf(req, 'last-event-id') ?? url.searchParams.get('lastEventId') ?? url.searchParams.get('Last-Event-Id');
  let input: unknown;
  let iterable: AsyncIterable<unknown> | undefined;
  let failure: TRPCError | undefined;
  try {
    const raw = url.searchParams.get('input');
    input = raw === null ? undefined : superjson.deserialize(JSON.parse(raw) as Parameters<typeof superjson.deserialize>[0]);
    if (lastEventId) input = typeof input === 'object' && input !== null ? { ...input, lastEventId } : (input ?? { lastEventId });
    iterable = (await callTRPCProcedure({
      router: appRouter,
      path,
      getRawInput: async () => input,
      ctx,
      type: 'subscription',
      signal: abort.signal,
      batchIndex: 0,
    })) as AsyncIterable<unknown>;
  } catch (cause) {
    failure = getTRPCErrorFromUnknown(cause);
  }

  res.writeHead(200, HEADERS);
  let lastId: string | null = lastEventId && !/[\0\n\r]/.test(lastEventId) ? lastEventId : null;
  let wroteSincePing = false;
  let draining: Promise<void> | null = null;
  const write = (chunk: string | Buffer): Promise<void> | null => {
    wroteSincePing = true;
    if (res.write(chunk)) return null;
    draining ??= new Promise<void>((resolve) => {
      const done = () => {
        res.off('drain', done);
        res.off('close', done);
        draining = null;
        resolve();
      };
      res.on('drain', done);
      res.on('close', done);
    });
    return draining;
  };
  const writeError = (error: TRPCError) => {
    if (error.code === 'INTERNAL_SERVER_ERROR') log.error({ err: error.cause ?? error, path }, 'unhandled procedure error');
    const shape = getTRPCErrorShape({ config, error, type: 'subscription', path, input, ctx });
    return write(`event: serialized-error\ndata: ${JSON.stringify(superjson.serialize(shape))}\n\n`);
  };

  const pinger =
    pingMs > 0
      ? setInterval(() => {
          if (!wroteSincePing && !draining && !res.writableEnded) write('event: ping\ndata: \n\n');
          wroteSincePing = false;
        }, pingMs)
      : null;
  pinger?.unref();
  write(`event: connected\ndata: ${JSON.stringify(clientOptions)}\n\n`);

  const encoded = () => ctx.live?.metrics.frameEncoded();
  const feed = iterable && ctx.live ? ctx.live.claimFeed(abort.signal) : undefined;
  const iterator = feed ? undefined : iterable?.[Symbol.asyncIterator]();
  const resume = () => feed?.resume();
  let drainSocket: (() => void) | null = null;
  try {
    if (failure || !iterable) {
      await writeError(failure!);
      return;
    }
    if (feed) {
      // The shared bytes go straight to the socket (in order with the response's own writes, which
      // reach the same socket): no cork, tick and 4-piece writev per stream and event.
      const socket = res.socket;
      if (!socket) return;
      const chunked = res.chunkedEncoding;
      socket.on('drain', resume);
      drainSocket = () => socket.off('drain', resume);
      await feed.run({
        send(id, event) {
          lastId = id;
          wroteSincePing = true;
          const frame = trackedFrame(id, event, encoded);
          return socket.write(chunked ? chunkOf(frame) : frame.frame);
        },
      });
      await write('event: return\ndata: \n\n');
      return;
    }
    if (!iterator) return;
    for (;;) {
      const next = await iterator.next();
      if (next.done) {
        await write('event: return\ndata: \n\n');
        return;
      }
      const value = next.value;
      let wait: Promise<void> | null;
      if (isTrackedEnvelope(value)) {
        lastId = value[0];
        wait = write(trackedFrame(value[0], value[1], encoded).frame);
      } else if (lastId === null) {
        wait = write(`data: ${dataOf(value)}\n\n`);
      } else {
        // An EventSource gives an event without an id the last id it had: clear it, then restore it
        // with an event clients do not listen to, so a reconnect still resumes from it (as tRPC does).
        write(`data: ${dataOf(value)}\nid: \n\n`);
        wait = write(`event: restore-id\ndata: \nid: ${lastId}\n\n`);
      }
      if (wait) await wait;
      if (res.destroyed) return;
    }
  } catch (cause) {
    // The stream ended by abort (the client left, or shutdown): close without `return`, so clients reconnect.
    if ((cause as { name?: string } | null)?.name !== 'AbortError' && !res.destroyed) await writeError(getTRPCErrorFromUnknown(cause));
  } finally {
    if (pinger) clearInterval(pinger);
    res.off('close', closed);
    drainSocket?.();
    if (!abort.signal.aborted) abort.abort();
    await iterator?.return?.().catch(() => undefined);
    res.end();
  }
}

function headerOf(req: IncomingMessage, name: string): string | null {
  const value = req.headers[name];
  return typeof value === 'string' ? value : null;
}
