import type { IncomingMessage } from 'node:http';
import type { FastProcedure } from '@wick/api';

export interface MatchedCall {
  procedure: FastProcedure;
  /** The input as sent (superjson's `json`, without meta), before the schema. */
  raw: unknown;
}

export interface MatchedRequest {
  calls: MatchedCall[];
  /** `?batch=1`: the answer is a JSON array of the calls' answers. */
  batch: boolean;
}

const MAX_CALLS = 10;

/**
 * A GET the fast path may answer: `/trpc/<proc>` or `/trpc/<p1>,<p2>?batch=1`, every procedure one it
 * serves, no query parameter but `input` and `batch`, superjson inputs without `meta` (a value JSON
 * cannot carry), and not the streamed batch format. Anything else is null: tRPC answers it.
 */
export function matchRequest(req: IncomingMessage, url: URL, procedures: ReadonlyMap<string, FastProcedure>): MatchedRequest | null {
  if (req.method !== 'GET' || req.headers['trpc-accept'] !== undefined) return null;
  for (const name of url.searchParams.keys()) if (name !== 'input' && name !== 'batch') return null;
  const batchParam = url.searchParams.get('batch');
  if (batchParam !== null && batchParam !== '1') return null;
  const batch = batchParam === '1';
  const paths = url.pathname.slice('/trpc/'.length).split(',');
  if (paths.length > MAX_CALLS || (!batch && paths.length > 1)) return null;
  const procs: FastProcedure[] = [];
  for (const path of paths) {
    const p = procedures.get(safeDecode(path));
    if (!p) return null;
    procs.push(p);
  }
  const inputText = url.searchParams.get('input');
  let parsed: unknown;
  try {
    parsed = inputText === null ? undefined : (JSON.parse(inputText) as unknown);
  } catch {
    return null;
  }
  const calls: MatchedCall[] = [];
  for (let i = 0; i < procs.length; i++) {
    const wrapped = batch ? (parsed as Record<string, unknown> | undefined)?.[String(i)] : parsed;
    const raw = unwrap(wrapped, procs[i]!.input !== undefined);
    if (raw === NO_MATCH) return null;
    calls.push({ procedure: procs[i]!, raw });
  }
  return { calls, batch };
}

const NO_MATCH = Symbol('no match');

function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return '';
  }
}

/** `{"json": v}` → v. A procedure without input ignores what is sent; one with input must get the wrapper. */
function unwrap(wrapped: unknown, needsInput: boolean): unknown {
  if (!needsInput) return undefined;
  if (wrapped === null || typeof wrapped !== 'object' || Array.isArray(wrapped)) return NO_MATCH;
  const keys = Object.keys(wrapped);
  if (keys.length !== 1 || keys[0] !== 'json') return NO_MATCH;
  return (wrapped as { json: unknown }).json;
}
