import {
  createTRPCClient,
  httpBatchLink,
  httpBatchStreamLink,
  httpLink,
  httpSubscriptionLink,
  isNonJsonSerializable,
  splitLink,
  type TRPCClient,
  TRPCClientError,
} from '@trpc/client';
// Type-only: a frontend bundle gets the router's types, never its code.
import type {
  AppRouter,
  CandleLiveEvent,
  IndicatorLiveEvent,
  IndicatorUpdateEvent,
  IndicatorWindowEvent,
  LiquidationLiveEvent,
  RouterInputs,
  RouterOutputs,
} from '@wick/api';
import superjson from 'superjson';

export interface WickClientOptions {
  /** Server origin, e.g. http://127.0.0.1:3000 (the tRPC endpoint is <url>/trpc). */
  url: string;
  /** Sent as `Authorization: Bearer <key>`; needed for ingest and cache admin. */
  apiKey?: string;
  /** A fetch implementation (tests, older runtimes); defaults to the global one. */
  fetch?: typeof globalThis.fetch;
  /** Longest GET URL a batch may build before it is split (servers and proxies reject longer ones). */
  maxURLLength?: number;
  /** Most calls one batched request may carry. */
  maxItems?: number;
  /**
   * Queries that travel alone, never in a batch (e.g. ['candles.range']): a batch answers when its
   * slowest call is done, so what a screen must show first should not wait for the rest.
   */
  unbatched?: readonly string[];
  /**
   * The EventSource class live subscriptions use; defaults to the global one (browsers, Node 22+).
   * Node 20 has none: pass `await nodeEventSource()` (the `eventsource` package, loaded only then).
   */
  EventSource?: EventSourceClass;
}

/** An EventSource constructor: the browser's, or the `eventsource` package's (which also takes a `fetch`, so it can send the API key). */
export type EventSourceClass = new (url: string, init?: { withCredentials?: boolean; fetch?: typeof globalThis.fetch }) => EventSource;

export type WickClient = TRPCClient<AppRouter>;
export type { AppRouter, RouterInputs, RouterOutputs };
export type { CandleLiveEvent, IndicatorLiveEvent, IndicatorUpdateEvent, IndicatorWindowEvent, LiquidationLiveEvent };

/** What one indicators.liveMany event carries: `item` (its index in the input's items), that item's indicator and its IndicatorLiveEvent. */
export type IndicatorManyEvent =
  RouterOutputs['indicators']['liveMany'] extends AsyncIterable<{ data: infer E }, void, unknown> ? E : never;

/**
 * The `eventsource` package's EventSource, for Node 20 (which has no global one). A dynamic import,
 * so a browser bundle never loads it: `createWickClient({ url, EventSource: await nodeEventSource() })`.
 */
export async function nodeEventSource(): Promise<EventSourceClass> {
  const { EventSource } = await import('eventsource');
  return EventSource as unknown as EventSourceClass;
}
export { TRPCClientError };

/** Streamed procedures: their answers arrive in chunks (httpBatchStreamLink). */
const STREAMED = new Set<string>(['liquidations.export']);

/**
 * A typed client for Wick. Queries made in the same tick travel as one batched request (but the
 * `unbatched` ones); streamed procedures use the streaming link; mutations and non-JSON bodies go
 * one by one; subscriptions (candles.live, indicators.live, indicators.liveMany, liquidations.live)
 * are Server-Sent Events that reconnect by themselves and resume from the last event they got.
 */
export function createWickClient(options: WickClientOptions): WickClient {
  const url = `${options.url.replace(/\/+$/, '')}/trpc`;
  const headers = () => (options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {});
  const shared = {
    url,
    transformer: superjson,
    headers,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  };
  const batched = { ...shared, maxURLLength: options.maxURLLength ?? 2083, maxItems: options.maxItems ?? 10 };
  const alone = new Set(options.unbatched ?? []);
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === 'subscription',
        true: subscriptionLink(url, options),
        false: splitLink({
          condition: (op) => STREAMED.has(op.path),
          true: httpBatchStreamLink(batched),
          false: splitLink({
            condition: (op) => op.type === 'query' && !alone.has(op.path) && !isNonJsonSerializable(op.input),
            true: httpBatchLink(batched),
            false: httpLink(shared),
          }),
        }),
      }),
    ],
  });
}

function subscriptionLink(url: string, options: WickClientOptions) {
  const EventSource = options.EventSource ?? (globalThis.EventSource as EventSourceClass | undefined);
  // A browser's own EventSource cannot send headers; the eventsource package takes a fetch that can.
  const custom = options.EventSource !== undefined;
  const baseFetch = options.fetch ?? globalThis.fetch;
  const withKey: typeof globalThis.fetch = (input, init) =>
    baseFetch(input, {
      ...init,
      headers: { ...(init?.headers as Record<string, string> | undefined), authorization: `Bearer ${options.apiKey}` },
    });
  return httpSubscriptionLink({
    url,
    transformer: superjson,
    EventSource: EventSource ?? missingEventSource(),
    ...(custom && (options.apiKey || options.fetch) ? { eventSourceOptions: { fetch: options.apiKey ? withKey : baseFetch } } : {}),
  });
}

/** The tRPC error code of a failed call ('BAD_REQUEST', 'TOO_MANY_REQUESTS', …), or null. */
export function errorCode(err: unknown): string | null {
  return err instanceof TRPCClientError ? ((err.data as { code?: string } | undefined)?.code ?? null) : null;
}

/** Fails the first subscription with a message that says what to do (Node 20 has no EventSource). */
function missingEventSource(): EventSourceClass {
  return class {
    constructor() {
      throw new Error('No EventSource in this runtime (Node 20): pass { EventSource: await nodeEventSource() } to createWickClient.');
    }
  } as unknown as EventSourceClass;
}
