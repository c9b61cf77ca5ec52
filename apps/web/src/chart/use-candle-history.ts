import { useQueries, useQueryClient } from '@tanstack/react-query';
import { INTERVAL_MS, type Interval } from '@wick/market';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { mergeCandleTail, useLiveCandles } from '../live/index.ts';
import { useTRPC } from '../trpc.ts';
import { mergeCandles, type Candles } from './candles.ts';

/** Candles per page: the first screen, and each step back in history. */
export const PAGE_CANDLES = 500;
/** candles.range serves at most this many per call, and the chart keeps no more than this. */
export const MAX_LOADED = 5000;

/** The candles.range input of a page: the latest one, or the one ending just before `to`. */
export function candlePageInput(symbol: string, interval: Interval, to?: number) {
  return { symbol, interval, limit: PAGE_CANDLES, ...(to !== undefined ? { to } : {}) };
}

/**
 * The candles of a series: the latest page, older pages as the user scrolls left (candles.range
 * with `to` just before the oldest loaded candle), and candles.live's tail on top.
 */
export function useCandleHistory(symbol: string | null, interval: Interval) {
  const trpc = useTRPC();
  const series = `${symbol}:${interval}`;
  const [pages, setPages] = useState<{ series: string; tos: (number | undefined)[] }>({ series, tos: [undefined] });
  const tos = useMemo(() => (pages.series === series ? pages.tos : [undefined]), [pages, series]);

  const pageAnswers = useQueries({
    queries: tos.map((to) => ({
      ...trpc.candles.range.queryOptions(candlePageInput(symbol ?? '', interval, to)),
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

  // combine's array is new on every render; the pages are only new when an answer is.
  const pagesSeen = useRef(answers);
  if (answers.length !== pagesSeen.current.length || answers.some((a, i) => a !== pagesSeen.current[i])) pagesSeen.current = answers;
  const loaded = pagesSeen.current;
  const history = useMemo(
    () =>
      mergeCandles(
        loaded
          .filter((d) => d !== undefined)
          .map((d) => d.candles)
          .reverse(),
      ),
    [loaded],
  );
  const candles: Candles = useMemo(() => mergeCandleTail(history, live.tail), [history, live.tail]);

  // A tail that does not reach back to the loaded pages (live was paused, or the stream opened
  // long after them) leaves a hole: read the pages again, once per hole.
  const queryClient = useQueryClient();
  const holeSeen = useRef<number | null>(null);
  const lastLoaded = history.time.at(-1);
  const firstLive = live.tail.time[0];
  useEffect(() => {
    if (symbol === null || lastLoaded === undefined || firstLive === undefined) return;
    if (firstLive <= lastLoaded + INTERVAL_MS[interval] || holeSeen.current === firstLive) return;
    holeSeen.current = firstLive;
    void queryClient.invalidateQueries(trpc.candles.range.queryFilter({ symbol, interval }));
  }, [symbol, interval, lastLoaded, firstLive, queryClient, trpc]);
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
    error: first.error,
    isLoading: first.isLoading,
    hasMore,
    loadingMore,
    loadMore,
    pagesLoaded: tos.length,
    /** Counts live candle events (what indicators without a stream of their own follow). */
    liveRev: live.rev,
  };
}
