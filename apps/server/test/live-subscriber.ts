// Test helpers for live subscriptions over real SSE (eventsource@3, as Node 20 clients use it).
import { setTimeout as sleep } from 'node:timers/promises';
import { createTRPCClient, httpSubscriptionLink, TRPCClientError, type TRPCClient } from '@trpc/client';
import type { AppRouter } from '@wick/api';
import { EventSource } from 'eventsource';
import superjson from 'superjson';

export type LiveClient = TRPCClient<AppRouter>;

/** A client that only subscribes, over SSE, to the server at `url` (optionally with an API key). */
export function liveClient(url: string, apiKey?: string): LiveClient {
  return createTRPCClient<AppRouter>({
    links: [
      httpSubscriptionLink({
        url: `${url}/trpc`,
        transformer: superjson,
        EventSource,
        ...(apiKey
          ? {
              eventSourceOptions: {
                fetch: (input: string | URL | Request, init?: RequestInit) =>
                  fetch(input, { ...init, headers: { ...(init?.headers as Record<string, string>), authorization: `Bearer ${apiKey}` } }),
              },
            }
          : {}),
      }),
    ],
  });
}

export interface Received<E> {
  id: string | undefined;
  data: E;
}

/** What one subscription saw, as its handlers were called. */
export interface Collector<E> {
  readonly events: Received<E>[];
  started: boolean;
  stopped: boolean;
  error: unknown;
  /** Connection states the link reported ('connecting' after a dropped stream, 'pending' when open). */
  readonly states: string[];
  handlers(): {
    onStarted: () => void;
    onData: (value: unknown) => void;
    onError: (err: unknown) => void;
    onStopped: () => void;
    onComplete: () => void;
    onConnectionStateChange: (state: { state: string }) => void;
  };
}

export function collector<E>(): Collector<E> {
  const c: Collector<E> = {
    events: [],
    started: false,
    stopped: false,
    error: undefined,
    states: [],
    handlers: () => ({
      onStarted: () => (c.started = true),
      onData: (value) => {
        const tracked = value as { id?: unknown; data?: unknown };
        const isTracked = typeof value === 'object' && value !== null && typeof tracked.id === 'string' && 'data' in tracked;
        c.events.push(isTracked ? { id: tracked.id as string, data: tracked.data as E } : { id: undefined, data: value as E });
      },
      onError: (err) => (c.error = err),
      onStopped: () => (c.stopped = true),
      onComplete: () => (c.stopped = true),
      onConnectionStateChange: (state) => c.states.push(state.state),
    }),
  };
  return c;
}

/** Waits for `check` (a hang guard, not a measurement: the condition is what the test asserts). */
export async function until(check: () => boolean, what: string, tries = 1200): Promise<void> {
  for (let i = 0; i < tries && !check(); i++) await sleep(50);
  if (!check()) throw new Error(`timed out waiting for ${what}`);
}

/** The tRPC code of a subscription's error ('NOT_FOUND', …), or null. */
export function liveErrorCode(err: unknown): string | null {
  return err instanceof TRPCClientError ? ((err.data as { code?: string } | undefined)?.code ?? null) : null;
}

/** A metric's value (summed over its label sets matching `labels`) from a server's /metrics. */
export async function metricValue(url: string, name: string, labels: Record<string, string> = {}): Promise<number> {
  // Once more on a dropped socket: a keep-alive socket reused just as the server's keepAliveTimeout
  // closes it (a stalled loop on a loaded box) fails without the request having been read.
  const text = await fetch(`${url}/metrics`)
    .catch(() => fetch(`${url}/metrics`))
    .then((r) => r.text());
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^([a-z_]+)(\{[^}]*\})? ([^ ]+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const set = m[2] ?? '';
    if (Object.entries(labels).every(([k, v]) => set.includes(`${k}="${v}"`))) sum += Number(m[3]);
  }
  return sum;
}
