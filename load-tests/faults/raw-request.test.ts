import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { rawRequest } from './raw-request.ts';

let server: Server | null = null;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = null;
});

/** A server that answers each connection with `answer` on its first bytes, then destroys it (unread data → RST). */
async function listen(answer: string | null): Promise<number> {
  server = createServer((socket) => {
    socket.on('error', () => undefined);
    socket.once('data', () => {
      if (answer !== null) socket.write(answer);
      socket.destroy();
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return (server.address() as { port: number }).port;
}

describe('rawRequest', () => {
  it('reads a refusal sent while the request body is still going out', async () => {
    const port = await listen('HTTP/1.1 413 Payload Too Large\r\nconnection: close\r\n\r\n');
    const body = new Uint8Array(20 * 1024 * 1024).fill(32);
    const answer = await rawRequest('127.0.0.1', port, [`POST / HTTP/1.1\r\ncontent-length: ${body.length}\r\n\r\n`, body]);
    expect(answer).toEqual({ status: 413, error: null });
  });

  it('gives status 0 and a reason when the server closes without an answer', async () => {
    const port = await listen(null);
    const answer = await rawRequest('127.0.0.1', port, ['GET / HTTP/1.1\r\n\r\n']);
    expect(answer.status).toBe(0);
    expect(answer.error).not.toBeNull();
  });
});
