import type { IndicatorManyEvent } from '@wick/client';
import type { Interval } from '@wick/market';
import { useMemo, useState } from 'react';
import type { IndicatorSeries } from '../chart/candles.ts';
import { choiceKey, type IndicatorChoice } from '../layout/layout.ts';
import { useTRPCClient } from '../trpc.ts';
import { MAX_LIVE_CANDLES } from './use-live-candles.ts';
import { mergeIndicatorTail } from './tail-merge.ts';
import { useLiveStreams, type StreamSpec } from './use-live-streams.ts';

type Tracked = { id: string; data: IndicatorManyEvent };

/**
 * Indicators one indicators.liveMany stream carries (the server's bound; the layout holds no more).
 * The server speaks HTTP/1.1, where a browser opens at most 6 connections per origin and every
 * EventSource holds one for good: candles.live, liquidations.live and this one leave three to queries.
 */
export const INDICATORS_PER_STREAM = 10;
/** Values a live window carries (the loaded window itself comes from indicators.batch). */
export const LIVE_TAIL = 5;

/**
 * The live tail of every indicator on screen, by choiceKey, pushed by ONE indicators.liveMany
 * stream for all of them (a changed set opens a new one). `onResync(key)` is told when the server
 * sent an indicator's window again (history changed, or events were lost): read the window again.
 */
export function useLiveIndicators(
  symbol: string | null,
  interval: Interval,
  choices: readonly IndicatorChoice[],
  onResync: (key: string) => void,
): ReadonlyMap<string, IndicatorSeries> {
  const client = useTRPCClient();
  const series = `${symbol}:${interval}`;
  const [tails, setTails] = useState<{ series: string; byKey: ReadonlyMap<string, IndicatorSeries> }>({ series, byKey: new Map() });
  const apply = (key: string, next: IndicatorSeries, replace: boolean) =>
    setTails((prev) => {
      const byKey = new Map(prev.series === series ? prev.byKey : []);
      const base = replace ? undefined : byKey.get(key);
      byKey.set(key, base ? mergeIndicatorTail(base, next, MAX_LIVE_CANDLES) : next);
      return { series, byKey };
    });

  const keys = choices.map(choiceKey).join(';');
  const { specs, itemKeys } = useMemo(() => {
    const itemKeys = new Map<string, string[]>();
    const specs: StreamSpec<Tracked>[] = [];
    if (symbol === null) return { specs, itemKeys };
    for (let at = 0; at < choices.length; at += INDICATORS_PER_STREAM) {
      const group = choices.slice(at, at + INDICATORS_PER_STREAM);
      const key = `${series}|${group.map(choiceKey).join(';')}`;
      itemKeys.set(key, group.map(choiceKey));
      const items = group.map((c) => ({ indicator: c.name, params: c.params, limit: LIVE_TAIL }));
      specs.push({ key, open: (observer) => client.indicators.liveMany.subscribe({ symbol, interval, items }, observer) });
    }
    return { specs, itemKeys };
    // keys names the choices; the array itself is new on every render
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [client, symbol, interval, series, keys]);
  useLiveStreams('indicators', specs, (streamKey, { data }) => {
    const key = itemKeys.get(streamKey)?.[data.item];
    if (key === undefined) return;
    const event = data.event;
    apply(key, { time: event.time, values: event.values }, event.type === 'window');
    if (event.type === 'window' && event.resync !== null) onResync(key);
  });

  return tails.series === series ? tails.byKey : new Map();
}
