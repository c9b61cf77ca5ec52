import type { IncomingMessage, ServerResponse } from 'node:http';
import { callTRPCProcedure, getTRPCErrorFromUnknown, getTRPCErrorShape, isTrackedEnvelope, type TRPCError } from '@trpc/server';
import { appRouter, type Context } from '@wick/api';
import type { Logger } from 'pino';
import superjson from 'superjson';

/** The subscriptions this writer serves (everything else under /trpc/ goes to tRPC's adapter). */
const LIVE_PROCEDURES = new Set(['candles.live', 'indicators.live', 'liquidations.live']);

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

/**
 * Events whose wire JSON was already made: every stream at the same position of a channel is handed
 * the same event object, so it is serialized once, not once per stream.
 */
const serialized = new WeakMap<object, string>();

function dataOf(value: unknown): string {
  if (typeof value !== 'object' || value === null) return JSON.stringify(superjson.serialize(value));
  let json = serialized.get(value);
  if (json === undefined) {
    json = JSON.stringify(superjson.serialize(value));
    serialized.set(value, json);
  }
  return json;
}

/**
 * A live subscription in tRPC's SSE wire format (what httpSubscriptionLink reads: `connected`, data
 * events with tracked ids, `ping`, `serialized-error`, `return`), written straight to the socket.
 * tRPC's own producer passes every event of every stream through four web streams and serializes it
 * per stream; with one write per event and the JSON shared, a process fans an event out to many
 * more streams (load-tests/bench/push-latency.ts). The procedure runs through tRPC's own call path
 * (input parsing, middleware: rate limit, timing, error mapping) exactly as the adapter would.
 * Backpressure: the next event is only pulled once the socket took the previous one.
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
  const write = (chunk: string): Promise<void> | null => {
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

  const iterator = iterable?.[Symbol.asyncIterator]();
  try {
    if (failure || !iterator) {
      await writeError(failure!);
      return;
    }
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
        wait = write(`data: ${dataOf(value[1])}\nid: ${value[0]}\n\n`);
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
    if (!abort.signal.aborted) abort.abort();
    await iterator?.return?.().catch(() => undefined);
    res.end();
  }
}

function headerOf(req: IncomingMessage, name: string): string | null {
  const value = req.headers[name];
  return typeof value === 'string' ? value : null;
}
