import { connect } from 'node:net';

/** A tRPC query over the documented wire format (GET /trpc/<path>?input=<{"json": input}>): the answer's `json`. */
export async function trpcQuery<T>(base: string, path: string, input: unknown): Promise<T> {
  const url = `${base}/trpc/${path}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`;
  const res = await fetch(url);
  const body = (await res.json()) as { result?: { data?: { json?: T } }; error?: unknown };
  if (!res.ok || body.result?.data?.json === undefined)
    throw new Error(`${path} answered ${res.status}: ${JSON.stringify(body).slice(0, 300)}`);
  return body.result.data.json;
}

export interface LatestCandle {
  time: number;
  close: number;
  volume: number;
}

/** The newest stored 1m candle of `symbol`. */
export async function latestCandle(base: string, symbol: string): Promise<LatestCandle | undefined> {
  const r = await trpcQuery<{ candles: { time: number[]; close: number[]; volume: number[] } }>(base, 'candles.range', {
    symbol,
    interval: '1m',
    limit: 1,
  });
  const i = r.candles.time.length - 1;
  return i < 0 ? undefined : { time: r.candles.time[i]!, close: r.candles.close[i]!, volume: r.candles.volume[i]! };
}

/** Whether something accepts TCP connections on host:port. */
export function portAnswers(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
