/**
 * Which lane a request takes. `work` may reach MySQL, a cache load or the engine: it is bounded and
 * shed under overload. `light` (health, metrics, catalogs, noop, live streams — bounded on their own)
 * is always admitted, so cheap answers never wait behind expensive ones.
 */
export type Lane = 'light' | 'work';

const WORK_PREFIXES = ['indicators.compute', 'indicators.batch', 'candles.', 'liquidations.', 'dashboard.'];

/** The tRPC procedure paths of a request under /trpc/ (a batch names several, comma-separated). */
export function trpcPaths(pathname: string): string[] {
  return decodeURIComponent(pathname.slice('/trpc/'.length))
    .split(',')
    .filter((p) => p.length > 0);
}

function isWorkProcedure(path: string): boolean {
  return !path.endsWith('.live') && WORK_PREFIXES.some((p) => path === p || path.startsWith(p));
}

export function laneOf(pathname: string): Lane {
  if (pathname.startsWith('/export/')) return 'work';
  if (!pathname.startsWith('/trpc/')) return 'light';
  return trpcPaths(pathname).some(isWorkProcedure) ? 'work' : 'light';
}
