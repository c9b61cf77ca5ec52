import {
  createTRPCClient,
  httpBatchLink,
  httpBatchStreamLink,
  httpLink,
  isNonJsonSerializable,
  splitLink,
  type TRPCClient,
  TRPCClientError,
} from '@trpc/client';
// Type-only: a frontend bundle gets the router's types, never its code.
import type { AppRouter, RouterInputs, RouterOutputs } from '@wick/api';
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
}

export type WickClient = TRPCClient<AppRouter>;
export type { AppRouter, RouterInputs, RouterOutputs };
export { TRPCClientError };

/** Streamed procedures: their answers arrive in chunks (httpBatchStreamLink). */
const STREAMED = new Set<string>(['liquidations.export']);

/**
 * A typed client for Wick. Queries made in the same tick travel as one batched request;
 * streamed procedures use the streaming link; mutations and non-JSON bodies go one by one.
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
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => STREAMED.has(op.path),
        true: httpBatchStreamLink(batched),
        false: splitLink({
          condition: (op) => op.type === 'query' && !isNonJsonSerializable(op.input),
          true: httpBatchLink(batched),
          false: httpLink(shared),
        }),
      }),
    ],
  });
}

/** The tRPC error code of a failed call ('BAD_REQUEST', 'TOO_MANY_REQUESTS', …), or null. */
export function errorCode(err: unknown): string | null {
  return err instanceof TRPCClientError ? ((err.data as { code?: string } | undefined)?.code ?? null) : null;
}
