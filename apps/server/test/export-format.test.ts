// The export's pure parts: row formats, query parsing, file names, content negotiation. No server.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LIQUIDATION_COLUMNS, SIDES, type LiquidationTuple } from '@wick/market';
import { exportFilename } from '../src/export/filename.ts';
import { CSV_HEADER, csvFormatter, ndjsonFormatter } from '../src/export/format.ts';
import { parseExportQuery } from '../src/export/query.ts';
import { acceptsGzip } from '../src/http.ts';
import { parseCsv } from './csv.ts';

/** Text with everything CSV and JSON must escape: quotes, commas, CR/LF, backslashes, U+2028, non-ASCII. */
const text = fc.string({ unit: fc.constantFrom('a', 'Z', '0', ',', '"', '\r', '\n', '\\', '\u2028', 'é', ' ', '/'), maxLength: 12 });
const decimal = fc
  .tuple(fc.boolean(), fc.bigInt({ min: 0n, max: 10n ** 20n }), fc.integer({ min: 0, max: 10 }))
  .map(([negative, digits, scale]) => {
    const s = digits.toString().padStart(scale + 1, '0');
    return `${negative ? '-' : ''}${scale ? `${s.slice(0, -scale)}.${s.slice(-scale)}` : s}`;
  });
const tuple: fc.Arbitrary<LiquidationTuple> = fc.tuple(
  fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
  text,
  fc.constantFrom(...SIDES),
  text,
  text,
  decimal,
  decimal,
  decimal,
  text,
  decimal,
  decimal,
  fc.integer({ min: 0, max: 4_102_444_800_000 }),
  decimal,
);

describe('CSV rows', () => {
  it('the header is LIQUIDATION_COLUMNS', () => {
    expect(parseCsv(CSV_HEADER)).toEqual([[...LIQUIDATION_COLUMNS]]);
  });

  it('every field reads back exactly, whatever the text holds', () => {
    fc.assert(
      fc.property(fc.array(tuple, { maxLength: 20 }), (rows) => {
        const format = csvFormatter();
        // Twice through one formatter: its memo of quoted values must not change the output.
        const once = format(rows);
        expect(format(rows)).toBe(once);
        expect(parseCsv(once)).toEqual(rows.map((r) => r.map(String)));
      }),
    );
  });

  it('quotes only fields that need it, and never a number or decimal', () => {
    const row: LiquidationTuple = [
      7,
      'BTCUSDT',
      'SELL',
      'LIM,IT',
      'G"TC',
      '1.5000000000',
      '-2',
      '3',
      'a\nb',
      '0',
      '0',
      1704067200000,
      '4.5',
    ];
    expect(csvFormatter()([row])).toBe('7,BTCUSDT,SELL,"LIM,IT","G""TC",1.5000000000,-2,3,"a\nb",0,0,1704067200000,4.5\r\n');
  });
});

describe('NDJSON rows', () => {
  it('one object per line keyed by LIQUIDATION_COLUMNS: integers as numbers, decimals as exact strings', () => {
    fc.assert(
      fc.property(fc.array(tuple, { maxLength: 20 }), (rows) => {
        const out = ndjsonFormatter()(rows);
        const lines = out.split('\n');
        expect(lines.pop()).toBe('');
        expect(lines).toHaveLength(rows.length);
        lines.forEach((line, i) => {
          const parsed = JSON.parse(line) as Record<string, unknown>;
          expect(Object.keys(parsed)).toEqual([...LIQUIDATION_COLUMNS]);
          expect(LIQUIDATION_COLUMNS.map((c) => parsed[c])).toEqual(rows[i]);
        });
      }),
    );
  });
});

describe('export query', () => {
  const parse = (query: string) => parseExportQuery(new URL(`http://x/export/liquidations.csv?${query}`));

  it('converts numbers and the side; empty values count as absent', () => {
    expect(parse('symbol=btcusdt&side=sell&from=1704067200000&to=&minUsd=2.5e3')).toEqual({
      ok: true,
      filter: { symbol: 'BTCUSDT', side: 'SELL', from: 1704067200000, minUsd: 2500 },
    });
    expect(parse('')).toEqual({ ok: true, filter: {} });
  });

  it('names unknown, repeated and invalid parameters', () => {
    expect(parse('limit=5')).toEqual({ ok: false, message: 'Unknown parameter "limit"; allowed: symbol, side, from, to, minUsd' });
    expect(parse('side=BUY&side=SELL')).toEqual({ ok: false, message: 'Parameter "side" given twice' });
    const bad = parse('minUsd=-1&from=soon');
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.message).toMatch(/^Invalid export parameters — .*minUsd.*from|^Invalid export parameters — .*from.*minUsd/);
  });
});

describe('export file name', () => {
  it('says what the file holds', () => {
    expect(exportFilename({}, 'csv')).toBe('liquidations_all_start_latest.csv');
    expect(
      exportFilename({ symbol: 'ETHUSDT', side: 'BUY', from: Date.UTC(2024, 0, 2, 3, 4, 5), to: Date.UTC(2024, 0, 3) }, 'ndjson'),
    ).toBe('liquidations_ETHUSDT_buy_20240102T030405_20240103T000000.ndjson');
  });
});

describe('Accept-Encoding', () => {
  it.each([
    ['gzip', true],
    ['br, gzip;q=0.8', true],
    ['x-gzip', true],
    ['*', true],
    ['GZIP; Q=1', true],
    ['gzip;q=0', false],
    ['*;q=0, identity', false],
    ['br, deflate', false],
    ['', false],
    [undefined, false],
  ] as const)('%s → %s', (header, expected) => {
    expect(acceptsGzip(header)).toBe(expected);
  });
});
