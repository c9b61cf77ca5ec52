import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import type { PoolConnection, ResultSetHeader } from 'mysql2/promise';
import { allowInfile } from '../client.ts';

export type LoadMethod = 'load-data' | 'insert';

const INSERT_BATCH = 5000;
const CHUNK_ROWS = 512;

/** True when the server (or client) refuses LOAD DATA LOCAL: use multi-row INSERTs instead. */
export function isLocalInfileRefused(err: unknown): boolean {
  const e = err as { errno?: number; message?: string };
  // 1148 ER_NOT_ALLOWED_COMMAND, 3948 ER_CLIENT_LOCAL_FILES_DISABLED, 3950 ER_LOAD_INFILE_CAPABILITY_DISABLED
  return e.errno === 1148 || e.errno === 3948 || e.errno === 3950 || /local (data|infile)/i.test(e.message ?? '');
}

/**
 * Loads rows into `table`. 'load-data' streams tab-separated text straight from the generator
 * into LOAD DATA LOCAL INFILE (no temp file; the socket's backpressure paces the generator);
 * 'insert' sends multi-row INSERTs. Values must not contain tabs, newlines or backslashes.
 */
export async function bulkLoad(
  conn: PoolConnection,
  table: string,
  columns: readonly string[],
  rows: Iterable<readonly (string | number)[]>,
  method: LoadMethod,
  onRows: (n: number) => void,
): Promise<number> {
  const cols = columns.map((c) => `\`${c}\``).join(', ');
  if (method === 'insert') {
    let batch: (readonly (string | number)[])[] = [];
    let loaded = 0;
    const flush = async () => {
      if (batch.length === 0) return;
      const [h] = await conn.query<ResultSetHeader>(`INSERT INTO \`${table}\` (${cols}) VALUES ?`, [batch]);
      loaded += h.affectedRows;
      onRows(batch.length);
      batch = [];
    };
    for (const row of rows) {
      batch.push(row);
      if (batch.length >= INSERT_BATCH) await flush();
    }
    await flush();
    return loaded;
  }
  const name = `wick-load-${randomUUID()}`;
  function* text(): Generator<string> {
    let chunk: string[] = [];
    for (const row of rows) {
      chunk.push(row.join('\t'));
      if (chunk.length >= CHUNK_ROWS) {
        onRows(chunk.length);
        yield `${chunk.join('\n')}\n`;
        chunk = [];
      }
    }
    if (chunk.length > 0) {
      onRows(chunk.length);
      yield `${chunk.join('\n')}\n`;
    }
  }
  const forget = allowInfile(name, () => Readable.from(text(), { objectMode: false }));
  try {
    const [h] = await conn.query<ResultSetHeader>(
      `LOAD DATA LOCAL INFILE '${name}' INTO TABLE \`${table}\` CHARACTER SET utf8mb4` +
        ` FIELDS TERMINATED BY '\\t' LINES TERMINATED BY '\\n' (${cols})`,
    );
    return h.affectedRows;
  } finally {
    forget();
  }
}
