import type { WickClient } from '@wick/client';
import { MAX_CANDLES_PER_INGEST } from './candle-input.ts';
import type { IngestSink } from './ingest-sink.ts';
import { MAX_LIQUIDATIONS_PER_INGEST } from './liquidation-event.ts';

/**
 * The sink over Wick's public API, exactly as any outside feed would write: `candles.ingest` (1m)
 * and `liquidations.ingest`, with a client that carries an ingest API key. Oversized inputs are
 * split into calls the API accepts.
 */
export function createClientSink(client: WickClient): IngestSink {
  return {
    async candles(symbol, candles) {
      for (let i = 0; i < candles.length; i += MAX_CANDLES_PER_INGEST) {
        await client.candles.ingest.mutate({ symbol, interval: '1m', candles: candles.slice(i, i + MAX_CANDLES_PER_INGEST) });
      }
    },
    async liquidations(events) {
      for (let i = 0; i < events.length; i += MAX_LIQUIDATIONS_PER_INGEST) {
        await client.liquidations.ingest.mutate({ events: events.slice(i, i + MAX_LIQUIDATIONS_PER_INGEST) });
      }
    },
  };
}
