// pnpm feed:sim — moves the seeded symbols' open 1m candles and emits liquidations, through Wick's API.
import { createWickClient } from '@wick/client';
import { z } from 'zod';
import { createClientSink } from '../client-sink.ts';
import { systemClock } from '../clock.ts';
import { createLogger } from '../logger.ts';
import { DEFAULT_RATE, runSimulator } from '../simulator/market-simulator.ts';
import { clientMarketSource } from '../simulator/market-source.ts';
import { defaultIngestKey, duration, httpUrl, parseCli, shutdownSignal, symbolList } from './cli-args.ts';

const USAGE = `Usage: pnpm feed:sim [-- options]

Continues the stored 1m candles of Wick's symbols (a log-price random walk with calm stretches and
bursts), closes a candle each minute, and emits liquidations where price moves fast.

  --url URL        Wick server (default http://127.0.0.1:3000)
  --key KEY        ingest API key (default WICK_INGEST_KEY, else the first of INGEST_API_KEYS)
  --symbols A,B    symbols to move (default: every active symbol with 1m candles)
  --rate N         updates per second per symbol (default ${DEFAULT_RATE}, at most 50)
  --seed N         PRNG seed (default 1)
  --duration D     stop after D (30s, 5m, 1h; default: until Ctrl-C)`;

const options = {
  url: { type: 'string' },
  key: { type: 'string' },
  symbols: { type: 'string' },
  rate: { type: 'string' },
  seed: { type: 'string' },
  duration: { type: 'string' },
} as const;

const schema = z.object({
  url: httpUrl.default('http://127.0.0.1:3000'),
  key: z.string().min(1).optional(),
  symbols: symbolList.optional(),
  rate: z.coerce.number().positive('must be > 0').max(50, 'must be ≤ 50 updates/s').default(DEFAULT_RATE),
  seed: z.coerce
    .number()
    .int('must be a whole number')
    .min(0)
    .max(2 ** 32 - 1)
    .default(1),
  duration: duration.optional(),
});

const args = parseCli(process.argv.slice(2), options, schema, USAGE);
const log = createLogger('feed:sim');
const apiKey = args.key ?? defaultIngestKey();
if (!apiKey) log.warn('no ingest key (--key, WICK_INGEST_KEY or INGEST_API_KEYS): the API will refuse the writes');
const client = createWickClient({ url: args.url, ...(apiKey ? { apiKey } : {}) });
const signal = shutdownSignal((name) => log.info({ signal: name }, 'stopping: finishing the ingest in flight'));

try {
  await runSimulator({
    sink: createClientSink(client),
    source: clientMarketSource(client),
    clock: systemClock,
    log,
    rate: args.rate,
    seed: args.seed,
    signal,
    ...(args.symbols ? { symbols: args.symbols } : {}),
    ...(args.duration ? { durationMs: args.duration } : {}),
  });
  process.exit(0);
} catch (err) {
  log.error({ error: (err as Error).message }, 'simulator failed');
  process.exit(1);
}
