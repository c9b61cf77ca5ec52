import type { WickCache } from '@wick/cache';

/** What the live push needs of the cache: the bus (subscribe, replay) and a series' head for a resync of a lost stream. */
export type LiveSource = Pick<WickCache, 'subscribe' | 'replay' | 'readHead'>;
