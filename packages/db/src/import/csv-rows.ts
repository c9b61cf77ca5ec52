import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

/** Lines of a comma-separated file without quoting (Binance's public files), numbered from 1. */
export async function* csvLines(file: string): AsyncGenerator<{ line: number; fields: string[] }> {
  const rl = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  let line = 0;
  for await (const text of rl) {
    line++;
    if (text.trim() === '') continue;
    yield { line, fields: text.split(',').map((f) => f.trim()) };
  }
}
