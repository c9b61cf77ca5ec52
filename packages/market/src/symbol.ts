/** Symbol names as Binance spells them: upper-case letters and digits, e.g. BTCUSDT. */
export const SYMBOL_PATTERN = /^[A-Z0-9]{2,20}$/;
export const SYMBOL_RULE = 'must be 2–20 upper-case letters or digits, e.g. BTCUSDT';

export function isSymbolName(value: unknown): value is string {
  return typeof value === 'string' && SYMBOL_PATTERN.test(value);
}
