import type { ResultSetHeader } from 'mysql2';

/**
 * Counts rows inserted and changed by a multi-row upsert. With FOUND_ROWS off (client.ts)
 * affectedRows = inserted + 2 × changed and the info's "Duplicates" counts changed rows only
 * (unchanged duplicates count nowhere), as measured on MariaDB 10.11.
 */
export function upsertCounts(header: ResultSetHeader): { inserted: number; updated: number } {
  const m = /Duplicates:\s*(\d+)/.exec(header.info ?? '');
  if (m) {
    const updated = Number(m[1]);
    return { inserted: header.affectedRows - 2 * updated, updated };
  }
  // Single-row statements carry no info: 1 = inserted, 2 = updated, 0 = unchanged.
  return header.affectedRows === 2 ? { inserted: 0, updated: 1 } : { inserted: header.affectedRows, updated: 0 };
}
