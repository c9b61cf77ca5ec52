// The response fast path (issue 15): cached tRPC GET queries answered from the bytes tRPC wrote.
import type { FastProcedure } from '@wick/api';
import { createFastPath, type FastPath, type FastPathDeps, type L1Freshness } from './fast-path.ts';
import { createL1 } from './l1.ts';

export { VersionTap } from './version-tap.ts';
export type { FastPath, L1Freshness } from './fast-path.ts';

export interface FastPathSettings {
  FAST_PATH: boolean;
  FAST_PATH_L1: boolean;
  L1_MAX_BYTES: number;
  FAST_PATH_L1_FRESHNESS: L1Freshness;
}

/** The fast path as configured; FAST_PATH off: every /trpc/ request goes straight to tRPC. */
export function fastPathFor(
  settings: FastPathSettings,
  procedures: ReadonlyMap<string, FastProcedure>,
  deps: Omit<FastPathDeps, 'l1' | 'procedures' | 'freshness'>,
): FastPath {
  if (!settings.FAST_PATH) return { serve: (_req, _res, _url, trpc) => trpc() };
  const l1 = settings.FAST_PATH_L1 ? createL1(settings.L1_MAX_BYTES, deps.registry) : null;
  return createFastPath({ ...deps, l1, procedures, freshness: settings.FAST_PATH_L1_FRESHNESS });
}
