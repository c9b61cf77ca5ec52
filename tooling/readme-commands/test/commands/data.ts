// pnpm db:migrate, db:seed, db:import, db:restored — on the test's database, with the README's exact flags.
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { REPO_ROOT } from '../../src/environment.ts';
import { normalized, type ReadmeCommand } from '../../src/readme-commands.ts';
import { count, expectSuccess, runExact, testDatabase } from '../support/context.ts';

/** `--name value` of a command line. */
function flag(text: string, name: string): string | undefined {
  return new RegExp(`--${name}[ =](\\S+)`).exec(normalized(text))?.[1];
}

export async function migrateCommand(cmd: ReadmeCommand): Promise<void> {
  const done = await runExact(cmd, { timeoutMs: 90_000 });
  expectSuccess(done, cmd.text);
  const applied = Number(/migrations up to date \((\d+) applied\)/.exec(done.output)?.[1]);
  expect(applied, done.output).toBeGreaterThan(0);
  const tables = await count(
    "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name IN ('symbols','candles','liquidation_orders','series_heads')",
  );
  expect(tables).toBe(4);
  // "a no-op when up to date"
  const again = await runExact(cmd, { timeoutMs: 90_000 });
  expectSuccess(again, cmd.text);
  expect(again.output).toContain(`migrations up to date (${applied} applied)`);
}

export async function seedCommand(cmd: ReadmeCommand): Promise<void> {
  const done = await runExact(cmd, { timeoutMs: 180_000 });
  expectSuccess(done, cmd.text);
  const symbols = /^symbols\s+(.+)$/m.exec(done.output)?.[1]?.trim().split(/\s+/) ?? [];
  expect(symbols, done.output).toHaveLength(Number(flag(cmd.text, 'symbols') ?? 3));
  const span = /^1m candles\s+(\S+) \.\. (\S+)/m.exec(done.output);
  expect(span, done.output).not.toBeNull();
  const minutes = (Date.parse(span![2]!) - Date.parse(span![1]!)) / 60_000;
  if (flag(cmd.text, 'days')) expect(minutes).toBe(Number(flag(cmd.text, 'days')) * 1440);
  const liquidations = Number(flag(cmd.text, 'liquidations') ?? 10_000);
  expect(done.output).toMatch(new RegExp(`^liquidations\\s+${liquidations} rows`, 'm'));
  expect(done.output).toMatch(/^checksum\s+[0-9a-f]{16}/m);
  // What it printed is what the database holds; every higher interval is rolled up.
  expect(await count('SELECT COUNT(*) FROM symbols')).toBe(symbols.length);
  expect(await count("SELECT COUNT(*) FROM candles WHERE `interval` = '1m'")).toBe(symbols.length * minutes);
  expect(await count("SELECT COUNT(DISTINCT symbol_id) FROM candles WHERE `interval` = '1d'")).toBe(symbols.length);
  expect(await count('SELECT COUNT(*) FROM liquidation_orders')).toBe(liquidations);
}

const JAN_1_2024 = Date.UTC(2024, 0, 1);
const KLINE_ROWS = 120;
const LIQUIDATION_ROWS = 40;

/** 1m klines from 2024-01-01 00:00 UTC in Binance's CSV layout (with its header), a small deterministic walk. */
function klinesCsv(): { text: string; hours: { open: number; high: number; low: number; close: number }[] } {
  const lines = ['open_time,open,high,low,close,volume,close_time,quote_volume,count,taker_buy_volume,taker_buy_quote_volume,ignore'];
  const hours: { open: number; high: number; low: number; close: number }[] = [];
  let price = 42_000;
  for (let i = 0; i < KLINE_ROWS; i++) {
    const t = JAN_1_2024 + i * 60_000;
    const open = price;
    const close = Math.round((open + ((i * 37) % 11) - 5) * 10) / 10;
    const high = Math.max(open, close) + 2.5;
    const low = Math.min(open, close) - 1.5;
    price = close;
    const h = Math.floor(i / 60);
    const hour = (hours[h] ??= { open, high, low, close });
    hour.high = Math.max(hour.high, high);
    hour.low = Math.min(hour.low, low);
    hour.close = close;
    lines.push([t, open, high, low, close, '12.5', t + 59_999, '525000.0', 100 + i, '6.25', '262500.0', 0].join(','));
  }
  return { text: `${lines.join('\n')}\n`, hours };
}

/** Liquidation orders on 2024-01-01 in Binance's liquidationSnapshot CSV layout. */
function liquidationsCsv(): string {
  const lines = [
    'time,side,order_type,time_in_force,original_quantity,price,average_price,order_status,last_fill_quantity,accumulated_fill_quantity',
  ];
  for (let i = 0; i < LIQUIDATION_ROWS; i++) {
    const q = (0.1 + i / 100).toFixed(3);
    lines.push(
      [JAN_1_2024 + 300_000 + i * 61_000, i % 2 ? 'SELL' : 'BUY', 'LIMIT', 'IOC', q, 42_000 + i, 42_010 + i, 'FILLED', q, q].join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}

/**
 * The file name is the README's, relative to the repo root where the command runs: the test writes
 * it there (refusing to overwrite a file of that name) and removes it after.
 */
export async function importCommand(cmd: ReadmeCommand): Promise<void> {
  const text = normalized(cmd.text);
  const kind = flag(text, 'kind');
  const symbol = flag(text, 'symbol')!;
  const file = text.split(' ').at(-1)!;
  const path = join(REPO_ROOT, file);
  expect(existsSync(path), `${path} exists already: the test will not overwrite it`).toBe(false);
  const klines = klinesCsv();
  writeFileSync(path, kind === 'klines' ? klines.text : liquidationsCsv());
  try {
    const rows = kind === 'klines' ? KLINE_ROWS : LIQUIDATION_ROWS;
    const first = await runExact(cmd, { timeoutMs: 90_000 });
    expectSuccess(first, cmd.text);
    expect(first.output).toContain(`${file}: ${rows} inserted, 0 updated, 0 unchanged`);
    const day = [symbol, JAN_1_2024, JAN_1_2024 + 86_400_000];
    if (kind === 'klines') {
      const interval = flag(text, 'interval')!;
      expect(interval).toBe('1m');
      expect(
        await count(
          'SELECT COUNT(*) FROM candles c JOIN symbols s ON s.id = c.symbol_id WHERE s.name = ? AND c.`interval` = ? AND c.open_time >= ? AND c.open_time < ?',
          [symbol, interval, ...day.slice(1)],
        ),
      ).toBe(rows);
      // 1m rolls up into 1h in the same import.
      const [hourRows] = await testDatabase().pool.query({
        sql:
          'SELECT c.open, c.high, c.low, c.close FROM candles c JOIN symbols s ON s.id = c.symbol_id' +
          " WHERE s.name = ? AND c.`interval` = '1h' AND c.open_time >= ? AND c.open_time < ? ORDER BY c.open_time",
        values: day,
        rowsAsArray: true,
      });
      expect((hourRows as string[][]).map((r) => r.map(Number))).toEqual(klines.hours.map((h) => [h.open, h.high, h.low, h.close]));
    } else {
      expect(kind).toBe('liquidations');
      expect(
        await count(
          'SELECT COUNT(*) FROM liquidation_orders l JOIN symbols s ON s.id = l.symbol_id WHERE s.name = ? AND l.order_trade_time >= ? AND l.order_trade_time < ?',
          day,
        ),
      ).toBe(rows);
    }
    // "importing a file twice changes nothing"
    const again = await runExact(cmd, { timeoutMs: 90_000 });
    expectSuccess(again, cmd.text);
    expect(again.output).toMatch(new RegExp(`${file.replace(/\./g, '\\.')}: 0 inserted, 0 updated, \\d+ unchanged`));
  } finally {
    rmSync(path, { force: true });
  }
}

/**
 * As a backup restored from before the seed leaves them: every head at a small rev with a last
 * candle. After the command every head is above the database clock of when it ran, with none.
 */
export async function restoredCommand(cmd: ReadmeCommand): Promise<void> {
  const heads = await count('SELECT COUNT(*) FROM series_heads');
  expect(heads, 'the seed before it leaves series heads').toBeGreaterThan(0);
  await testDatabase().pool.query('UPDATE series_heads SET rev = 5, last_open_time = 0');
  const before = Date.now() * 1000;
  const done = await runExact(cmd, { timeoutMs: 90_000 });
  expectSuccess(done, cmd.text);
  expect(done.output).toMatch(new RegExp(`^series heads {2}${heads} rebased above the database clock`, 'm'));
  expect(done.output).toMatch(/^cache {9}retired \d+ series and \d+ namespaces .*: every reader answers from the new data$/m);
  // The database's clock and this process's may differ by a little: a minute is far below the old revs' distance.
  expect(await count('SELECT COUNT(*) FROM series_heads WHERE rev > ? AND last_open_time IS NULL', [before - 60_000_000])).toBe(heads);
}
