import { useQuery } from '@tanstack/react-query';
import { INTERVAL_MS, type Interval } from '@wick/market';
import { useCallback, useEffect, useMemo, useRef } from 'react';
import type { IndicatorSeries } from '../chart/candles.ts';
import { choiceKey, type IndicatorChoice } from '../layout/layout.ts';
import { mergeIndicatorTail, useLiveIndicators } from '../live/index.ts';
import { useTRPC } from '../trpc.ts';

/** How long a re-read waits for the other resyncs of the same moment. */
const REREAD_AFTER_MS = 50;

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
 * While a new set loads, the previous answers stay drawn; the live tails (src/live) come on top.
 */
export function useIndicatorData(symbol: string | null, interval: Interval, choices: readonly IndicatorChoice[], limit: number) {
  const trpc = useTRPC();
  const items = choices.map((c) => ({ symbol: symbol ?? '', interval, indicator: c.name, params: c.params, limit }));
  const batch = useQuery({ ...trpc.indicators.batch.queryOptions({ items }), enabled: symbol !== null && items.length > 0 });

  // Only indicators the server accepted go live (a refused one would be refused again by its stream).
  const accepted = useMemo(
    () => choices.filter((c, i) => batch.data?.items[i]?.ok === true && batch.data.items[i]!.indicator === c.name),
    [choices, batch.data],
  );
  const { refetch } = batch;
  // Resyncs of one stream's indicators arrive together (e.g. the series' history changed): one re-read for all.
  const rereadTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const reread = useCallback(() => {
    if (rereadTimer.current !== undefined) return;
    rereadTimer.current = setTimeout(() => {
      rereadTimer.current = undefined;
      void refetch();
    }, REREAD_AFTER_MS);
  }, [refetch]);
  useEffect(() => () => clearTimeout(rereadTimer.current), []);
  const tails = useLiveIndicators(symbol, interval, accepted, reread);

  // A tail that starts after the loaded window ends (live was paused) leaves a hole: read the window again.
  const holeSeen = useRef<string | null>(null);
  const hole = choices
    .map((c, i) => {
      const item = batch.data?.items[i];
      const first = tails.get(choiceKey(c))?.time[0];
      const last = item?.ok ? item.time.at(-1) : undefined;
      return first !== undefined && last !== undefined && first > last + INTERVAL_MS[interval] ? `${choiceKey(c)}@${first}` : '';
    })
    .join('');
  useEffect(() => {
    if (hole === '' || holeSeen.current === hole) return;
    holeSeen.current = hole;
    reread();
  }, [hole, reread]);

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
      if (item?.ok) {
        const loaded: IndicatorSeries = { time: item.time, values: item.values };
        const tail = tails.get(key);
        lastGood.current.set(key, { series: tail ? mergeIndicatorTail(loaded, tail) : loaded, cache: item.cache });
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
  }, [choices, batch.data, batch.isFetching, tails]);
}
