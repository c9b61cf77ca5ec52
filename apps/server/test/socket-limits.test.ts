// Socket limits against a real server (real MariaDB, real Valkey): an idle-socket flood, 1 MB of
// headers, a 1.5 MB URL, oversized bodies and a slowloris each get a bounded, clear answer, and
// health answers throughout. Counts, codes and states only, never time.
import { connect, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import superjson from 'superjson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INGEST_KEY, startWick, type Wick } from '@wick/server/testing';

const IDLE_CAP = 50;
const BODY_CAP = 64 * 1024;
let wick: Wick;
let port: number;

/** The slowloris test's own server: a short headers timeout. The others get a long one, so a client
 * still sending its headers on a stalled, loaded box is never closed by it (the flood test's sender). */
let slow: Wick;

beforeAll(async () => {
  [wick, slow] = await Promise.all([
    startWick('socklimits_faults', {
      env: {
        HTTP_MAX_IDLE_SOCKETS: String(IDLE_CAP),
        HTTP_MAX_BODY_BYTES: String(BODY_CAP),
        HTTP_HEADERS_TIMEOUT_MS: '120000',
        HTTP_REQUEST_TIMEOUT_MS: '120000',
      },
    }),
    startWick('socklimits_slow', { env: { HTTP_HEADERS_TIMEOUT_MS: '3000' } }),
  ]);
  port = Number(new URL(wick.url).port);
}, 120_000);

afterAll(async () => {
  await Promise.all([wick?.close(), slow?.close()]);
});

/** Sum of a metric's samples whose labels match. */
async function metric(name: string, labels = /.*/, server = wick): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  return [...text.matchAll(new RegExp(`^${name}(?:\\{([^}]*)\\})? (\\S+)$`, 'gm'))]
    .filter((m) => labels.test(m[1] ?? ''))
    .reduce((n, m) => n + Number(m[2]), 0);
}

async function until(cond: () => boolean | Promise<boolean>, attempts = 200): Promise<void> {
  for (let i = 0; i < attempts; i++) {
    if (await cond()) return;
    await sleep(50);
  }
  throw new Error('condition never held');
}

/** A raw exchange: what the server wrote back before the socket closed; `bodyBytes` more are sent after `request`, 1 MB at a time. */
function raw(request: string, bodyBytes = 0, to = port): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(to, '127.0.0.1');
    let text = '';
    socket.on('data', (d: Buffer) => (text += d.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => resolve(text));
    socket.write(request);
    const chunk = Buffer.alloc(1024 * 1024, 32);
    const more = (left: number): void => {
      if (left <= 0 || socket.destroyed) return;
      if (socket.write(chunk)) setImmediate(() => more(left - chunk.length));
      else socket.once('drain', () => more(left - chunk.length));
    };
    more(bodyBytes);
  });
}

describe('socket limits', () => {
  it('keeps at most the idle cap of an idle-socket flood, closing the longest idle; health answers throughout', async () => {
    const evictedBefore = await metric('wick_http_refused_total', /reason="idle_evicted"/);
    // A client still sending its headers when the flood comes is not idle: it is spared.
    const sender = connect(port, '127.0.0.1');
    let senderText = '';
    let senderClosed = false;
    sender.on('data', (d: Buffer) => (senderText += d.toString('latin1')));
    sender.on('error', () => undefined).on('close', () => (senderClosed = true));
    sender.write('GET /health HTTP/1.1\r\nHost: x\r\n');
    const drip = setInterval(() => sender.writable && sender.write('X-Still-Sending: 1\r\n'), 20);
    await sleep(100);
    const flood: Socket[] = [];
    let closedByServer = 0;
    for (let i = 0; i < 300; i++) {
      const s = connect(port, '127.0.0.1');
      s.on('error', () => undefined).on('close', () => closedByServer++);
      flood.push(s);
    }
    await until(() => flood.every((s) => !s.connecting));
    const health: number[] = [];
    for (let i = 0; i < 5; i++) health.push((await fetch(`${wick.url}/health`)).status);
    // The flood's sockets beyond the cap were closed by the server, never the new ones health used.
    await until(() => closedByServer >= 300 - IDLE_CAP);
    clearInterval(drip);
    expect(senderClosed).toBe(false);
    sender.write('Connection: close\r\n\r\n');
    await until(() => senderClosed);
    expect(senderText).toMatch(/^HTTP\/1\.1 200 /);
    expect(health).toEqual([200, 200, 200, 200, 200]);
    expect(await metric('wick_http_sockets', /state="before_first_request"/)).toBeLessThanOrEqual(IDLE_CAP);
    expect((await metric('wick_http_refused_total', /reason="idle_evicted"/)) - evictedBefore).toBeGreaterThanOrEqual(300 - IDLE_CAP);
    for (const s of flood) s.destroy();
  });

  it('answers 1 MB of headers and a 1.5 MB URL with 431, not a reset', async () => {
    const headers = await fetch(`${wick.url}/health`, { headers: { 'x-big': 'a'.repeat(1024 * 1024) } });
    expect(headers.status).toBe(431);
    const input = encodeURIComponent(JSON.stringify(superjson.serialize({ items: Array.from({ length: 10_000 }, () => ({ x: 1 })) })));
    expect(input.length).toBeGreaterThan(100_000);
    const url = await fetch(`${wick.url}/trpc/indicators.batch?input=${input}`);
    expect(url.status).toBe(431);
    expect(await metric('wick_http_refused_total', /reason="header_too_large"/)).toBeGreaterThanOrEqual(2);
  });

  it('refuses a body past the cap with 413, declared or chunked, before reading it', async () => {
    const ingest = (body: RequestInit['body'], extra: RequestInit = {}) =>
      fetch(`${wick.url}/trpc/candles.ingest`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${INGEST_KEY}` },
        body,
        ...extra,
      });
    // 32 MB declared, sent by a client that keeps sending after the answer: more than the socket
    // buffers hold, so a server that closed at once would reset it and the 413 would be lost.
    const head = `POST /trpc/candles.ingest HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${32 * 1024 * 1024}\r\n\r\n`;
    expect(await raw(head, 32 * 1024 * 1024)).toMatch(/^HTTP\/1\.1 413 /);
    const chunks = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 20; i++) controller.enqueue(new Uint8Array(BODY_CAP / 2).fill(32));
        controller.close();
      },
    });
    const chunked = await ingest(chunks, { duplex: 'half' } as RequestInit);
    expect(chunked.status).toBe(413);
    // A body under the cap is read and answered (here: not valid input).
    expect((await ingest('{"json":{}}')).status).toBe(400);
  });

  it('answers a slowloris 408 once its headers are late, and closes it', async () => {
    const slowPort = Number(new URL(slow.url).port);
    const timedOutBefore = await metric('wick_http_refused_total', /reason="timed_out"/, slow);
    const socket = connect(slowPort, '127.0.0.1');
    let text = '';
    let closed = false;
    socket.on('data', (d: Buffer) => (text += d.toString('latin1')));
    socket.on('error', () => undefined).on('close', () => (closed = true));
    socket.write('GET /health HTTP/1.1\r\nHost: x\r\n');
    const drip = setInterval(() => socket.writable && socket.write('X-Slow: 1\r\n'), 100);
    try {
      await until(() => closed);
    } finally {
      clearInterval(drip);
    }
    expect(text).toMatch(/^HTTP\/1\.1 408 /);
    expect((await metric('wick_http_refused_total', /reason="timed_out"/, slow)) - timedOutBefore).toBeGreaterThanOrEqual(1);
    expect(await raw('GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', 0, slowPort)).toMatch(/^HTTP\/1\.1 200 /);
  });
});
