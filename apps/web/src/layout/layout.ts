import { isInterval, isSymbolName, type Interval } from '@wick/market';

export type ParamValue = number | string | boolean;

/** One indicator on the screen: a catalog name and the params the user chose (absent = default). */
export interface IndicatorChoice {
  name: string;
  params: Record<string, ParamValue>;
}

export type Theme = 'dark' | 'light';

/** What the trader chose; it survives a reload through the URL (shareable) and localStorage. */
export interface Layout {
  symbol: string | null;
  interval: Interval;
  indicators: IndicatorChoice[];
  theme: Theme;
}

export const MAX_INDICATORS = 10; // indicators.batch takes at most 10 items
export const DEFAULT_LAYOUT: Layout = { symbol: null, interval: '1m', indicators: [], theme: 'dark' };
const NAME = /^[a-z0-9_]{1,32}$/;
const PARAM = /^[A-Za-z0-9_]{1,32}$/;

/** A stable identity for a choice: the same indicator with the same params is one choice. */
export function choiceKey(c: IndicatorChoice): string {
  const params = Object.keys(c.params)
    .sort()
    .map((k) => `${k}=${String(c.params[k])}`)
    .join(',');
  return params ? `${c.name}:${params}` : c.name;
}

function parseValue(raw: string): ParamValue {
  if (raw === 'true' || raw === 'false') return raw === 'true';
  const n = Number(raw);
  return raw !== '' && Number.isFinite(n) ? n : raw;
}

/** `rsi:period=14;bbands:period=20,stdDev=2` → choices; malformed parts are dropped, not fatal. */
export function parseIndicators(text: string): IndicatorChoice[] {
  const out: IndicatorChoice[] = [];
  const seen = new Set<string>();
  for (const part of text.split(';')) {
    const [name = '', rest = ''] = part.split(':', 2);
    if (!NAME.test(name)) continue;
    const params: Record<string, ParamValue> = {};
    for (const pair of rest ? rest.split(',') : []) {
      const [k = '', v = ''] = pair.split('=', 2);
      if (PARAM.test(k) && v.length <= 64) params[k] = parseValue(v);
    }
    const choice = { name, params };
    if (seen.has(choiceKey(choice)) || out.length >= MAX_INDICATORS) continue;
    seen.add(choiceKey(choice));
    out.push(choice);
  }
  return out;
}

export function formatIndicators(choices: IndicatorChoice[]): string {
  return choices.map(choiceKey).join(';');
}

export function layoutFromParams(params: URLSearchParams, fallback: Layout = DEFAULT_LAYOUT): Layout {
  const symbol = params.get('symbol');
  const interval = params.get('interval');
  const theme = params.get('theme');
  return {
    symbol: symbol !== null && isSymbolName(symbol) ? symbol : fallback.symbol,
    interval: isInterval(interval) ? interval : fallback.interval,
    indicators: params.has('ind') ? parseIndicators(params.get('ind') ?? '') : fallback.indicators,
    theme: theme === 'light' || theme === 'dark' ? theme : fallback.theme,
  };
}

export function layoutToParams(layout: Layout): URLSearchParams {
  const params = new URLSearchParams();
  if (layout.symbol) params.set('symbol', layout.symbol);
  params.set('interval', layout.interval);
  params.set('ind', formatIndicators(layout.indicators));
  params.set('theme', layout.theme);
  return params;
}
