import { jsonCodec, type Cached, type WickCache } from '@wick/cache';
import { listSymbols, type Database, type SymbolRow } from '@wick/db';
import { NotFoundError } from '../errors.ts';

/** The `global` namespace the symbol list is cached under (bumped when symbols change behind Wick: data-retire). */
export const SYMBOLS_NAMESPACE = 'symbols';
/** How long a cached symbol list is kept. */
export const SYMBOLS_TTL_SECONDS = 3600;
/** How long this process trusts its copy of the symbol list before asking the cache again. */
const LOCAL_TTL_MS = 5000;

export class SymbolService {
  private local: { names: Set<string>; at: number } | null = null;
  private readonly codec = jsonCodec<SymbolRow[]>();

  constructor(private readonly deps: { database: Database; cache: WickCache }) {}

  list(): Promise<Cached<SymbolRow[]>> {
    return this.deps.cache.getOrLoad({ kind: 'global', namespace: SYMBOLS_NAMESPACE, id: 'all' }, () => listSymbols(this.deps.database), {
      codec: this.codec,
      ttlSeconds: SYMBOLS_TTL_SECONDS,
    });
  }

  /** Throws NOT_FOUND for a symbol Wick has no data for; costs no round trip on the hot path. */
  async assertKnown(symbol: string): Promise<void> {
    if (this.local && Date.now() - this.local.at < LOCAL_TTL_MS && this.local.names.has(symbol)) return;
    let names = new Set((await this.list()).value.map((s) => s.name));
    // A symbol added since the list was cached: ask the database before saying no.
    if (!names.has(symbol)) names = new Set((await listSymbols(this.deps.database)).map((s) => s.name));
    this.local = { names, at: Date.now() };
    if (!names.has(symbol)) throw new NotFoundError(`Unknown symbol ${symbol}: symbols.list shows the symbols Wick has data for.`);
  }
}
