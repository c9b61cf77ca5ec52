// Push latency of the live path: ingest on server process A → candles.live subscribers on server
// process B, over real SSE, through the Valkey cluster. k6 has no SSE client, so this is a Node load
// generator with a minimal SSE reader (EventSource objects cost too much at 10,000 streams).
//   pnpm --filter @wick/load-tests exec tsx bench/push-latency.ts [--levels 10,1000,10000] [--writes 100] [--rate 5] [--burst 10]
//   BENCH_SMOKE=1: the same code path at levels 10,100 with 20 writes at 10/s and a 2 s burst (under a minute in all).
// For each level: open N streams on B, pace `writes` ingests at `rate`/s on A (one open-candle update
// each), then ingest as fast as one writer can for `burst` seconds. Reports p50/p99 from the ingest
// call's start and from the event's stream id (XADD, right after the commit) to its arrival here,
// events/s delivered, the share of writes each stream saw (the rest coalesced: latest wins), and
// B's RSS per 1,000 streams. Reports; never fails on time.
import { request, type ClientRequest } from 'node:http';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { createTestDatabase } from '@wick/db';
import { fixtureCandles, INGEST_KEY, seedFixture, serverEnv, spawnServer, T0, type ServerProcess } from '@wick/server/testing';
import superjson from 'superjson';

const SMOKE = process.env.BENCH_SMOKE === '1';
if (SMOKE) console.log('push: smoke run (BENCH_SMOKE=1): levels 10,100, 20 writes; the figures mean nothing');
const { values: flags } = parseArgs({
  options: {
    levels: { type: 'string', default: SMOKE ? '10,100' : '10,1000,10000' },
    writes: { type: 'string', default: SMOKE ? '20' : '100' },
    rate: { type: 'string', default: SMOKE ? '10' : '5' },
    burst: { type: 'string', default: SMOKE ? '2' : '10' },
  },
});
const LEVELS = flags.levels!.split(',').map(Number);
const WRITES = Number(flags.writes);
const RATE = Number(flags.rate);
const BURST_S = Number(flags.burst);
if (![...LEVELS, WRITES, RATE, BURST_S].every((n) => Number.isInteger(n) && n > 0))
  throw new Error('--levels, --writes, --rate, --burst: positive integers');

const t0 = performance.now();
const log = (line: string) => process.stderr.write(`[push ${((performance.now() - t0) / 1000).toFixed(0).padStart(4)} s] ${line}\n`);
const now = () => performance.timeOrigin + performance.now();

interface Arrival {
  /** Which write (its index, carried in the candle's volume). */
  write: number;
  /** Wall-clock ms the event was read here; its stream id's time (XADD). */
  at: number;
  publishedAt: number;
}

/** One SSE stream read by hand: `data:`/`id:` lines of tRPC's tracked events. */
class Stream {
  readonly arrivals: Arrival[] = [];
  connected = false;
  private req: ClientRequest | null = null;

  open(url: string): void {
    const input = encodeURIComponent(JSON.stringify(superjson.serialize({ symbol: 'BTCUSDT', interval: '1m' })));
    this.req = request(`${url}/trpc/candles.live?input=${input}`, { headers: { accept: 'text/event-stream' }, agent: false }, (res) => {
      res.setEncoding('utf8');
      let buffer = '';
      res.on('data', (chunk: string) => {
        const at = now();
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) !== -1) {
          this.onEvent(buffer.slice(0, end), at);
          buffer = buffer.slice(end + 2);
        }
      });
      res.on('error', () => undefined);
    });
    this.req.on('error', () => undefined);
    this.req.end();
  }

  private onEvent(block: string, at: number): void {
    let event = 'message';
    let data = '';
    let id = '';
    for (const line of block.split('\n')) {
      if (line.startsWith('event: ')) event = line.slice(7);
      else if (line.startsWith('data: ')) data = line.slice(6);
      else if (line.startsWith('id: ')) id = line.slice(4);
    }
    if (event === 'connected') this.connected = true;
    if (event !== 'message' || !id) return;
    const body = (JSON.parse(data) as { json: { type: string; candles: { volume: number[] } } }).json;
    if (body.type !== 'update') return;
    const volume = body.candles.volume.at(-1);
    if (volume !== undefined) this.arrivals.push({ write: volume - 1000, at, publishedAt: Number(id.slice(0, id.indexOf('-'))) });
  }

  close(): void {
    this.req?.destroy();
  }
}

async function metric(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line ? Number(line.split(' ')[1]) : NaN;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

async function main(): Promise<void> {
  // A smoke run may meet a full one on the box: its own database and cache prefix.
  const dbName = SMOKE ? 'wick_bench_push_smoke' : 'wick_bench_push';
  const database = await createTestDatabase(dbName);
  await seedFixture(database);
  const dbUrl = new URL(process.env.DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/wick');
  dbUrl.pathname = `/${dbName}`;
  const env = serverEnv(SMOKE ? 'bench_push_smoke' : 'bench_push', dbUrl.toString(), {
    LIVE_MAX_STREAMS_PER_CLIENT: '50000',
    ADMISSION: 'off',
    // Every stream is a socket: room for the largest level (the server's default cap is 8,192).
    HTTP_MAX_CONNECTIONS: String(Math.max(...LEVELS) + 1000),
  });
  log('starting server processes A (ingest) and B (subscribers)');
  const [a, b]: ServerProcess[] = await Promise.all([spawnServer(env), spawnServer(env)]);
  const base = fixtureCandles('BTCUSDT', 1, T0)[0]!;
  const sendTimes: number[] = [];
  let write = 0;
  const ingest = async () => {
    const k = write++;
    sendTimes[k] = now();
    const close = Math.round((base.open + (k % 500) / 10) * 100) / 100;
    const candle = {
      time: T0,
      open: base.open,
      high: Math.max(base.open, close) + 1,
      low: Math.min(base.open, close) - 1,
      close,
      volume: 1000 + k,
    };
    const res = await fetch(`${a!.url}/trpc/candles.ingest`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${INGEST_KEY}` },
      body: JSON.stringify(superjson.serialize({ symbol: 'BTCUSDT', interval: '1m', candles: [candle] })),
    });
    if (!res.ok) throw new Error(`ingest failed: ${res.status} ${await res.text()}`);
  };
  await ingest(); // a head and a stream, so every subscriber starts from a snapshot

  const rows: string[] = [];
  try {
    for (const n of LEVELS) {
      const rssBefore = await metric(b!.url, 'process_resident_memory_bytes');
      const streams = Array.from({ length: n }, () => new Stream());
      for (let i = 0; i < n; i += 250) {
        for (const s of streams.slice(i, i + 250)) s.open(b!.url);
        for (let wait = 0; !streams.slice(i, i + 250).every((s) => s.connected); wait++) {
          if (wait > 3000) throw new Error(`only ${streams.filter((s) => s.connected).length} of ${n} streams connected to B after 60 s`);
          await sleep(20);
        }
      }
      await sleep(SMOKE ? 200 : 1000);
      const rssOpen = await metric(b!.url, 'process_resident_memory_bytes');
      log(`${n} streams open on B (RSS ${(rssOpen / 2 ** 20).toFixed(0)} MB); ${WRITES} writes at ${RATE}/s`);

      const first = write;
      for (let i = 0; i < WRITES; i++) {
        const started = now();
        await ingest();
        await sleep(Math.max(0, 1000 / RATE - (now() - started)));
      }
      const last = write - 1;
      for (let i = 0; i < 600 && !streams.every((s) => s.arrivals.at(-1)?.write === last); i++) await sleep(50);
      const fromSend: number[] = [];
      const fromXadd: number[] = [];
      let seen = 0;
      for (const s of streams) {
        for (const x of s.arrivals) {
          if (x.write < first || x.write > last) continue;
          seen += 1;
          fromSend.push(x.at - sendTimes[x.write]!);
          fromXadd.push(x.at - x.publishedAt);
        }
      }
      fromSend.sort((p, q) => p - q);
      fromXadd.sort((p, q) => p - q);

      // Throughput: one writer as fast as it goes; events/s are what all streams read meanwhile.
      const counted = streams.reduce((sum, s) => sum + s.arrivals.length, 0);
      const burstStart = now();
      while (now() - burstStart < BURST_S * 1000) await ingest();
      await sleep(SMOKE ? 500 : 2000);
      const burstEvents = streams.reduce((sum, s) => sum + s.arrivals.length, 0) - counted;
      const eventsPerS = burstEvents / ((now() - burstStart) / 1000);

      // Below 1,000 streams the difference is noise (caches warming, the heap growing on its own).
      const perThousand = n >= 1000 ? `${((((rssOpen - rssBefore) / n) * 1000) / 2 ** 20).toFixed(0)} MB` : '—';
      rows.push(
        `| ${n.toLocaleString('en')} | ${quantile(fromSend, 0.5).toFixed(1)} | ${quantile(fromSend, 0.99).toFixed(1)} | ${quantile(fromXadd, 0.5).toFixed(0)} | ${quantile(fromXadd, 0.99).toFixed(0)} | ${((100 * seen) / (n * WRITES)).toFixed(1)} % | ${Math.round(eventsPerS).toLocaleString('en')} | ${perThousand} |`,
      );
      log(rows.at(-1)!);
      for (const s of streams) s.close();
      for (let i = 0; i < 400 && (await metric(b!.url, 'wick_live_streams_open')) > 0; i++) await sleep(50);
    }
  } finally {
    await Promise.all([a!.stop(), b!.stop()]);
    await database.drop();
  }
  const [l1] = loadavg();
  console.log(
    `\n### Push latency: ingest on A → candles.live on B (${WRITES} writes at ${RATE}/s per level; load average ${l1!.toFixed(1)})\n`,
  );
  console.log(
    '| streams on B | p50 from ingest call, ms | p99 from ingest call, ms | p50 from XADD, ms | p99 from XADD, ms | writes seen per stream | events/s delivered (burst) | B RSS per 1,000 streams |',
  );
  console.log('|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const row of rows) console.log(row);
  console.log(
    '\n"from XADD" uses the stream id (Valkey\'s clock, 1 ms resolution); the rest of a stream\'s writes were coalesced (latest wins).',
  );
}

await main();
