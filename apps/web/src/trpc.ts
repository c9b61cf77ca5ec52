import { createTRPCContext } from '@trpc/tanstack-react-query';
import type { AppRouter } from '@wick/client';

/** The typed tRPC ↔ TanStack Query bridge; the provider that feeds it lives in providers.tsx. */
export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();
