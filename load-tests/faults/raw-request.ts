// A hostile HTTP/1.1 request over a raw socket that reads the server's answer even when the server
// closes while the request is still being sent. fetch (undici) reports the write's EPIPE instead
// of the 413 or 431 that came back first; on a busy box the close often wins that race, and the
// suite then measured its client, not the server. Here the request goes out in chunks, the loop is
// yielded before each one, and sending stops as soon as any answer has arrived.
import { connect } from 'node:net';
import { setImmediate as yieldLoop } from 'node:timers/promises';

export interface RawAnswer {
  /** HTTP status of the answer's status line, 0 when none came. */
  status: number;
  /** Why no answer came (the socket's error code, or TIMEOUT), null when one did. */
  error: string | null;
}

/** Parts of the request, in order (each sent in `chunkBytes` pieces). */
export type RawPart = string | Uint8Array;

export function rawRequest(host: string, port: number, parts: RawPart[], chunkBytes = 64 * 1024, timeoutMs = 60_000): Promise<RawAnswer> {
  return new Promise((resolve) => {
    const socket = connect(port, host);
    let received = '';
    let error: string | null = null;
    let settled = false;
    const finish = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(received);
      resolve(m ? { status: Number(m[1]), error: null } : { status: 0, error: error ?? 'NO_ANSWER' });
    };
    const timer = setTimeout(() => {
      error ??= 'TIMEOUT';
      finish();
    }, timeoutMs);
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => {
      received += d;
      // The status line is all the suite needs.
      if (received.includes('\r\n')) finish();
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      error ??= err.code ?? err.name;
    });
    socket.on('close', finish);
    socket.once('connect', () => {
      void (async () => {
        for (const part of parts) {
          const bytes = typeof part === 'string' ? Buffer.from(part, 'latin1') : part;
          for (let at = 0; at < bytes.length; at += chunkBytes) {
            await yieldLoop();
            if (received.length > 0 || settled || socket.destroyed) return;
            const wrote = await new Promise<boolean>((done) => socket.write(bytes.subarray(at, at + chunkBytes), (err) => done(!err)));
            if (!wrote) return;
          }
        }
      })();
    });
  });
}
