import { QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createTRPCOptionsProxy } from '@trpc/tanstack-react-query';
import { createWickClient, type AppRouter } from '@wick/client';
import { useState, type ReactNode } from 'react';
import { isRetryable, retryAfterMs } from './api-errors.ts';
import { candlePageInput } from './chart/use-candle-history.ts';
import { initialLayout } from './layout/use-layout.ts';
import { recordFailure } from './status/incident-store.ts';
import { TRPCProvider } from './trpc.ts';

const MAX_RETRIES = 3;

/** The one QueryClient and tRPC client of the page, made once; the API is the page's own origin. */
function makeClients() {
  const queryClient = new QueryClient({
    // Every failure feeds the banners (database down, rate limited), whichever section hit it.
    queryCache: new QueryCache({ onError: (err) => recordFailure(err) }),
    defaultOptions: {
      queries: {
        // Wick answers say how fresh they are; the screen refetches on its own clock (src/live).
        staleTime: 30_000,
        refetchOnWindowFocus: false,
        retry: (failures, err) => {
          recordFailure(err); // each failed try, so a rate limit shows while we wait it out
          return failures < MAX_RETRIES && isRetryable(err);
        },
        // Honour the server's retryAfterMs (rate limited, overloaded) instead of guessing.
        retryDelay: (failures, err) => retryAfterMs(err) ?? Math.min(500 * 2 ** failures, 8000),
      },
    },
  });
  // The chart's candles travel alone: a batch answers when its slowest call does (an indicator
  // computed cold), and the first candles on screen must not wait for it.
  const trpcClient = createWickClient({ url: window.location.origin, unbatched: ['candles.range'] });
  // The chart's first page is asked for now, while React renders the page for the first time (a few
  // hundred ms on a slow box), not once the chart has mounted: the query it mounts finds it in flight.
  const { symbol, interval } = initialLayout();
  if (symbol !== null) {
    const trpc = createTRPCOptionsProxy<AppRouter>({ client: trpcClient, queryClient });
    void queryClient.prefetchQuery(trpc.candles.range.queryOptions(candlePageInput(symbol, interval)));
  }
  return { queryClient, trpcClient };
}

export function Providers({ children }: { children: ReactNode }) {
  const [{ queryClient, trpcClient }] = useState(makeClients);
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        {children}
      </TRPCProvider>
    </QueryClientProvider>
  );
}
