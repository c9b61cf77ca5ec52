import { useQuery } from '@tanstack/react-query';
import type { Interval } from '@wick/market';
import { useMemo, useRef } from 'react';
import { mergeIndicatorSeries, type IndicatorSeries } from '../chart/candles.ts';
import { choiceKey, type IndicatorChoice } from '../layout/layout.ts';
import { useLiveIndicators } from '../live/index.ts';
import { useTRPC } from '../trpc.ts';

export interface IndicatorState {
  key: string;
  choice: IndicatorChoice;
  series: IndicatorSeries | null;
  error: { code: string; message: string } | null;
  cache: { status: string; ageMs: number } | undefined;
  pending: boolean;
}

/**
 * Every indicator on screen over the loaded candles, in ONE indicators.batch: adding or changing
 * one refetches the set in a single request (the server answers the unchanged ones from cache).
 * While a new set loads, the previous answers stay drawn; live ticks come on top.
 */
export function useIndicatorData(symbol: string | null, interval: Interval, choices: readonly IndicatorChoice[], limit: number) {
  const trpc = useTRPC();
  const items = choices.map((c) => ({ symbol: symbol ?? '', interval, indicator: c.name, params: c.params, limit }));
  const batch = useQuery({ ...trpc.indicators.batch.queryOptions({ items }), enabled: symbol !== null && items.length > 0 });
  const live = useLiveIndicators(symbol, interval, choices);

  // Last good answer per indicator, so a refetch or a live failure never blanks a drawn line.
  const lastGood = useRef(new Map<string, { series: IndicatorSeries; cache: { status: string; ageMs: number } }>());
  const series = `${symbol}:${interval}`;
  const seriesOfLastGood = useRef(series);
  if (seriesOfLastGood.current !== series) {
    lastGood.current.clear();
    seriesOfLastGood.current = series;
  }

  return useMemo((): IndicatorState[] => {
    return choices.map((choice, i) => {
      const key = choiceKey(choice);
      const item = batch.data?.items[i];
      const liveItem = live.data?.items[i];
      if (item?.ok) {
        const parts: IndicatorSeries[] = [{ time: item.time, values: item.values }];
        if (liveItem?.ok && liveItem.indicator === item.indicator) parts.push({ time: liveItem.time, values: liveItem.values });
        lastGood.current.set(key, { series: mergeIndicatorSeries(parts), cache: item.cache });
      }
      const good = lastGood.current.get(key);
      return {
        key,
        choice,
        series: good?.series ?? null,
        error: item && !item.ok ? item.error : null,
        cache: good?.cache,
        pending: batch.isFetching && !item,
      };
    });
  }, [choices, batch.data, batch.isFetching, live.data]);
}
