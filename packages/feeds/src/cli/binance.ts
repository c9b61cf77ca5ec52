// pnpm feed:binance -- --symbols BTCUSDT,ETHUSDT — Binance USDⓈ-M 1m klines and liquidations into Wick.
import { createWickClient } from '@wick/client';
import { z } from 'zod';
import { BinanceConnector } from '../binance/binance-connector.ts';
import { BINANCE_REST_URL, BINANCE_WS_URL } from '../binance/payloads.ts';
import { createClientSink } from '../client-sink.ts';
import { createLogger } from '../logger.ts';
import { defaultIngestKey, duration, httpUrl, parseCli, shutdownSignal, symbolList } from './cli-args.ts';

const USAGE = `Usage: pnpm feed:binance -- --symbols BTCUSDT,ETHUSDT [options]

Follows Binance USDⓈ-M futures 1m klines and liquidation orders (public streams) and writes them
into Wick; reconnects with back-off and fetches missed minutes over REST.

  --symbols A,B         Binance symbols (required; they must exist in Wick: symbols.list)
  --url URL             Wick server (default http://127.0.0.1:3000)
  --key KEY             ingest API key (default WICK_INGEST_KEY, else the first of INGEST_API_KEYS)
  --ws-url URL          stream base (default ${BINANCE_WS_URL})
  --rest-url URL        REST base (default ${BINANCE_REST_URL})
  --backfill-minutes N  at start, fetch the last N closed minutes over REST (default 0, at most 10080)
  --duration D          stop after D (30s, 5m, 1h; default: until Ctrl-C)`;

const options = {
  symbols: { type: 'string' },
  url: { type: 'string' },
  key: { type: 'string' },
  'ws-url': { type: 'string' },
  'rest-url': { type: 'string' },
  'backfill-minutes': { type: 'string' },
  duration: { type: 'string' },
} as const;

const schema = z.object({
  symbols: symbolList,
  url: httpUrl.default('http://127.0.0.1:3000'),
  key: z.string().min(1).optional(),
  'ws-url': z
    .string()
    .regex(/^wss?:\/\/\S+$/, 'must be a ws:// or wss:// URL')
    .default(BINANCE_WS_URL),
  'rest-url': httpUrl.default(BINANCE_REST_URL),
  'backfill-minutes': z.coerce.number().int('must be a whole number').min(0).max(10_080, 'must be ≤ 10080 (a week)').default(0),
  duration: duration.optional(),
});

const args = parseCli(process.argv.slice(2), options, schema, USAGE);
const log = createLogger('feed:binance');
const apiKey = args.key ?? defaultIngestKey();
if (!apiKey) log.warn('no ingest key (--key, WICK_INGEST_KEY or INGEST_API_KEYS): the API will refuse the writes');
const client = createWickClient({ url: args.url, ...(apiKey ? { apiKey } : {}) });

try {
  const known = new Set((await client.symbols.list.query()).symbols.map((s) => s.name));
  const unknown = args.symbols.filter((s) => !known.has(s));
  if (unknown.length > 0)
    log.warn({ unknown }, 'Wick does not know these symbols: their candles will be refused (add them to the database first)');
} catch (err) {
  log.warn({ error: (err as Error).message }, 'cannot reach Wick yet: starting anyway, ingest retries until it answers');
}

const connector = new BinanceConnector({
  symbols: args.symbols,
  sink: createClientSink(client),
  log,
  wsUrl: args['ws-url'],
  restUrl: args['rest-url'],
  backfillMinutes: args['backfill-minutes'],
});
let stopping: Promise<void> | null = null;
const stop = () => (stopping ??= connector.stop());
const signal = shutdownSignal((name) => log.info({ signal: name }, 'stopping: finishing the ingest in flight'));
signal.addEventListener('abort', () => void stop().then(() => process.exit(0)), { once: true });
if (args.duration) setTimeout(() => void stop().then(() => process.exit(0)), args.duration).unref();
connector.start();
