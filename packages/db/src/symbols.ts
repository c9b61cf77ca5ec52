import { internalsOf, query, type Database } from './client.ts';
import { UnknownSymbolError } from './errors.ts';

export interface SymbolRow {
  id: number;
  name: string;
  base: string;
  quote: string;
  active: boolean;
}

export async function listSymbols(database: Database): Promise<SymbolRow[]> {
  const rows = await query<{ id: number; name: string; base: string; quote: string; active: number }[]>(
    database,
    'SELECT id, name, base, quote, active FROM symbols ORDER BY name',
  );
  const cache = internalsOf(database);
  return rows.map((r) => {
    cache.symbolIds.set(r.name, r.id);
    cache.symbolNames.set(r.id, r.name);
    return { id: r.id, name: r.name, base: r.base, quote: r.quote, active: r.active === 1 };
  });
}

/**
 * Symbol ids are looked up once per process (symbols are few and never renamed), saving a join
 * or a round trip on every candle and liquidation query. A miss reloads, so symbols added by
 * another process are found.
 */
export async function symbolId(database: Database, name: string): Promise<number> {
  const cache = internalsOf(database);
  let id = cache.symbolIds.get(name);
  if (id === undefined) {
    await listSymbols(database);
    id = cache.symbolIds.get(name);
  }
  if (id === undefined) throw new UnknownSymbolError(name);
  return id;
}

export function forgetSymbols(database: Database): void {
  const cache = internalsOf(database);
  cache.symbolIds.clear();
  cache.symbolNames.clear();
}

/** Inserts the symbols that are missing; returns name → id for all of them. */
export async function ensureSymbols(
  database: Database,
  list: { name: string; base: string; quote: string }[],
): Promise<Map<string, number>> {
  if (list.length > 0) {
    await query(database, 'INSERT INTO symbols (name, base, quote, active) VALUES ? ON DUPLICATE KEY UPDATE name = name', [
      list.map((s) => [s.name, s.base, s.quote, true]),
    ]);
  }
  await listSymbols(database);
  const out = new Map<string, number>();
  for (const s of list) out.set(s.name, await symbolId(database, s.name));
  return out;
}

const QUOTES = ['USDT', 'USDC', 'BUSD', 'FDUSD', 'BTC', 'ETH'];
export function splitSymbol(name: string): { base: string; quote: string } {
  for (const q of QUOTES) {
    if (name.endsWith(q) && name.length > q.length) return { base: name.slice(0, -q.length), quote: q };
  }
  return { base: name, quote: '' };
}
