import { appRouter } from '@wick/api';
import superjson from 'superjson';

/** The slice of a tRPC procedure this reads: its input parsers (zod schemas). */
interface ProcedureInputs {
  _def?: { inputs?: { safeParse?: (value: unknown) => { success: boolean } }[] };
}

const procedures = appRouter._def.procedures as unknown as Record<string, ProcedureInputs | undefined>;

/**
 * Whether a single tRPC query's input fails its procedure's schema: such a request is answered 400
 * by tRPC in microseconds, so admission lets it through even when the work lane is full (a bad
 * request must learn what to fix, not to retry). Malformed input counts as invalid; batches and
 * bodies (mutations) are not looked at.
 */
export function hasInvalidInput(url: URL, method: string | undefined): boolean {
  if (method !== 'GET' || url.searchParams.get('batch') === '1') return false;
  const path = decodeURIComponent(url.pathname.slice('/trpc/'.length));
  const parsers = procedures[path]?._def?.inputs ?? [];
  if (parsers.length === 0) return false;
  const raw = url.searchParams.get('input');
  let input: unknown;
  try {
    input = raw === null ? undefined : superjson.deserialize(JSON.parse(raw) as Parameters<typeof superjson.deserialize>[0]);
  } catch {
    return true;
  }
  return parsers.some((p) => typeof p.safeParse === 'function' && !p.safeParse(input).success);
}
