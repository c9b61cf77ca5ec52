import { useQueries } from '@tanstack/react-query';
import type { Interval } from '@wick/market';
import { useCallback, useMemo, useState } from 'react';
import { useLiveCandles } from '../live/index.ts';
import { useTRPC } from '../trpc.ts';
import { mergeCandles, type Candles } from './candles.ts';

/** Candles per page: the first screen, and each step back in history. */
export const PAGE_CANDLES = 500;
/** candles.range serves at most this many per call, and the chart keeps no more than this. */
export const MAX_LOADED = 5000;

/**
 * The candles of a series: the latest page, older pages as the user scrolls left (candles.range
 * with `to` just before the oldest loaded candle), and the live tail on top.
 */
export function useCandleHistory(symbol: string | null, interval: Interval) {
  const trpc = useTRPC();
  const series = `${symbol}:${interval}`;
  const [pages, setPages] = useState<{ series: string; tos: (number | undefined)[] }>({ series, tos: [undefined] });
  const tos = useMemo(() => (pages.series === series ? pages.tos : [undefined]), [pages, series]);

  const pageAnswers = useQueries({
    queries: tos.map((to) => ({
      ...trpc.candles.range.queryOptions({ symbol: symbol ?? '', interval, limit: PAGE_CANDLES, ...(to !== undefined ? { to } : {}) }),
      enabled: symbol !== null,
    })),
    combine: (results) => ({
      answers: results.map((r) => r.data),
      head: results[0]!,
      loadingMore: results.length > 1 && results[results.length - 1]!.isFetching,
    }),
  });
  const live = useLiveCandles(symbol, interval);
  const { answers, head: first, loadingMore } = pageAnswers;

  const history = useMemo(() => answers.filter((d) => d !== undefined).map((d) => d.candles), [answers]);
  const candles: Candles = useMemo(
    () => mergeCandles([...history].reverse().concat(live.data ? [live.data.candles] : [])),
    [history, live.data],
  );
  const oldest = answers.at(-1);
  const hasMore = oldest !== undefined && oldest.candles.time.length === PAGE_CANDLES && candles.time.length < MAX_LOADED;

  const loadMore = useCallback(() => {
    if (!hasMore || loadingMore) return;
    const first = oldest?.candles.time[0];
    if (first === undefined) return;
    setPages({ series, tos: [...tos, first - 1] });
  }, [hasMore, loadingMore, oldest, series, tos]);

  return {
    candles,
    /** The latest page's answer (its cache status and age are shown). */
    head: first.data,
    error: first.error ?? live.error,
    isLoading: first.isLoading,
    hasMore,
    loadingMore,
    loadMore,
    pagesLoaded: tos.length,
  };
}
