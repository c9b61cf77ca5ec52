/** Synthetic markets: a start price, price/lot decimals like Binance's, daily volatility, activity. */
export interface MarketSpec {
  name: string;
  base: string;
  quote: string;
  price: number;
  priceDecimals: number;
  lotDecimals: number;
  dailyVol: number;
  /** Traded notional per minute, USD, in a calm regime. */
  usdPerMinute: number;
  /** Relative share of the liquidations. */
  weight: number;
}

const KNOWN: MarketSpec[] = [
  {
    name: 'BTCUSDT',
    base: 'BTC',
    quote: 'USDT',
    price: 60_000,
    priceDecimals: 1,
    lotDecimals: 3,
    dailyVol: 0.03,
    usdPerMinute: 3_000_000,
    weight: 10,
  },
  {
    name: 'ETHUSDT',
    base: 'ETH',
    quote: 'USDT',
    price: 3_000,
    priceDecimals: 2,
    lotDecimals: 3,
    dailyVol: 0.04,
    usdPerMinute: 1_500_000,
    weight: 6,
  },
  {
    name: 'SOLUSDT',
    base: 'SOL',
    quote: 'USDT',
    price: 150,
    priceDecimals: 3,
    lotDecimals: 0,
    dailyVol: 0.06,
    usdPerMinute: 600_000,
    weight: 4,
  },
  {
    name: 'BNBUSDT',
    base: 'BNB',
    quote: 'USDT',
    price: 550,
    priceDecimals: 3,
    lotDecimals: 2,
    dailyVol: 0.035,
    usdPerMinute: 200_000,
    weight: 2,
  },
  {
    name: 'XRPUSDT',
    base: 'XRP',
    quote: 'USDT',
    price: 0.55,
    priceDecimals: 4,
    lotDecimals: 1,
    dailyVol: 0.05,
    usdPerMinute: 300_000,
    weight: 3,
  },
  {
    name: 'DOGEUSDT',
    base: 'DOGE',
    quote: 'USDT',
    price: 0.12,
    priceDecimals: 6,
    lotDecimals: 0,
    dailyVol: 0.07,
    usdPerMinute: 250_000,
    weight: 3,
  },
  {
    name: '1000PEPEUSDT',
    base: '1000PEPE',
    quote: 'USDT',
    price: 0.0123,
    priceDecimals: 7,
    lotDecimals: 0,
    dailyVol: 0.09,
    usdPerMinute: 150_000,
    weight: 2,
  },
  {
    name: 'AVAXUSDT',
    base: 'AVAX',
    quote: 'USDT',
    price: 35,
    priceDecimals: 3,
    lotDecimals: 0,
    dailyVol: 0.06,
    usdPerMinute: 80_000,
    weight: 1,
  },
  {
    name: 'LINKUSDT',
    base: 'LINK',
    quote: 'USDT',
    price: 15,
    priceDecimals: 3,
    lotDecimals: 2,
    dailyVol: 0.055,
    usdPerMinute: 60_000,
    weight: 1,
  },
  {
    name: 'ADAUSDT',
    base: 'ADA',
    quote: 'USDT',
    price: 0.45,
    priceDecimals: 5,
    lotDecimals: 0,
    dailyVol: 0.05,
    usdPerMinute: 60_000,
    weight: 1,
  },
];

export const MAX_SEED_SYMBOLS = 50;

/** The first n markets; beyond the known ones, synthetic ALTnUSDT at varied price scales. */
export function markets(n: number): MarketSpec[] {
  const out = KNOWN.slice(0, n);
  for (let i = out.length; i < n; i++) {
    const scale = i % 4;
    out.push({
      name: `ALT${i}USDT`,
      base: `ALT${i}`,
      quote: 'USDT',
      price: [42, 3.7, 0.21, 0.0041][scale]!,
      priceDecimals: [3, 4, 5, 7][scale]!,
      lotDecimals: [1, 0, 0, 0][scale]!,
      dailyVol: 0.06 + 0.01 * scale,
      usdPerMinute: 20_000,
      weight: 0.5,
    });
  }
  return out;
}
