import { createTRPCClient, httpBatchLink, httpBatchStreamLink, httpLink, splitLink, TRPCClientError, type TRPCClient } from '@trpc/client';
import type { AppRouter } from '@wick/api';
import superjson from 'superjson';

export type TestClient = TRPCClient<AppRouter>;

export interface TestClientOptions {
  /** Server origin; the tRPC endpoint is <url>/trpc. */
  url: string;
  /** Sent as `Authorization: Bearer <key>`. */
  apiKey?: string;
}

const STREAMED = new Set<string>(['liquidations.export']);

/**
 * A typed tRPC client on the wire @wick/client speaks (batched queries, the streamed export,
 * mutations one by one). Not @wick/client itself: @wick/client's tests start servers with this
 * package, and turbo refuses a package cycle, devDependencies included.
 */
export function testClient(options: TestClientOptions): TestClient {
  const shared = {
    url: `${options.url.replace(/\/+$/, '')}/trpc`,
    transformer: superjson,
    headers: () => (options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}),
  };
  const batched = { ...shared, maxURLLength: 2083, maxItems: 10 };
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => STREAMED.has(op.path),
        true: httpBatchStreamLink(batched),
        false: splitLink({ condition: (op) => op.type === 'query', true: httpBatchLink(batched), false: httpLink(shared) }),
      }),
    ],
  });
}

/** The tRPC error code of a failed call ('BAD_REQUEST', 'NOT_FOUND', …), or null for anything else. */
export function errorCode(err: unknown): string | null {
  return err instanceof TRPCClientError ? ((err.data as { code?: string } | undefined)?.code ?? null) : null;
}
