import { useQuery } from '@tanstack/react-query';
import type { IndicatorLiveEvent } from '@wick/client';
import type { Interval } from '@wick/market';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { IndicatorSeries } from '../chart/candles.ts';
import { choiceKey, type IndicatorChoice } from '../layout/layout.ts';
import { useTRPC, useTRPCClient } from '../trpc.ts';
import { useLive } from './live-context.ts';
import { MAX_LIVE_CANDLES } from './use-live-candles.ts';
import { mergeIndicatorTail } from './tail-merge.ts';
import { useLiveStreams, type StreamSpec } from './use-live-streams.ts';

type Tracked = { id: string; data: IndicatorLiveEvent };

/**
 * At most this many indicators.live streams per page. The server speaks HTTP/1.1, where a browser
 * opens at most 6 connections per origin and every EventSource holds one for good: candles.live,
 * liquidations.live and these two leave two for every query (the table, the system panel). The
 * indicators past these follow candles.live instead: each candle event re-reads their newest
 * values in one indicators.batch (cheap: the server advances cached results by the new candles).
 */
export const INDICATOR_STREAMS = 2;
/** Values a live window carries (the loaded window itself comes from indicators.batch). */
export const LIVE_TAIL = 5;

/**
 * The live tail of every indicator on screen, by choiceKey: pushed by indicators.live for the first
 * INDICATOR_STREAMS, re-read on each candle event for the rest. `onResync(key)` is told when the
 * server sent a stream's window again (history changed, or events were lost): read the window again.
 */
export function useLiveIndicators(
  symbol: string | null,
  interval: Interval,
  choices: readonly IndicatorChoice[],
  candleRev: number,
  onResync: (key: string) => void,
): ReadonlyMap<string, IndicatorSeries> {
  const client = useTRPCClient();
  const trpc = useTRPC();
  const { paused } = useLive();
  const series = `${symbol}:${interval}`;
  const [tails, setTails] = useState<{ series: string; byKey: ReadonlyMap<string, IndicatorSeries> }>({ series, byKey: new Map() });
  const apply = (key: string, next: IndicatorSeries, replace: boolean) =>
    setTails((prev) => {
      const byKey = new Map(prev.series === series ? prev.byKey : []);
      const base = replace ? undefined : byKey.get(key);
      byKey.set(key, base ? mergeIndicatorTail(base, next, MAX_LIVE_CANDLES) : next);
      return { series, byKey };
    });

  const streamed = choices.slice(0, INDICATOR_STREAMS);
  const followed = choices.slice(INDICATOR_STREAMS);

  const streamKeys = streamed.map(choiceKey).join(';');
  const specs = useMemo(
    (): StreamSpec<Tracked>[] =>
      symbol === null
        ? []
        : streamed.map((c) => ({
            key: `${series}|${choiceKey(c)}`,
            open: (observer) =>
              client.indicators.live.subscribe({ symbol, interval, indicator: c.name, params: c.params, limit: LIVE_TAIL }, observer),
          })),
    // streamKeys names the streamed choices; the array itself is new on every render
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [client, symbol, interval, series, streamKeys],
  );
  useLiveStreams('indicators', specs, (streamKey, { data: event }) => {
    const key = streamKey.slice(streamKey.indexOf('|') + 1);
    apply(key, { time: event.time, values: event.values }, event.type === 'window');
    if (event.type === 'window' && event.resync !== null) onResync(key);
  });

  // The rest: one batch of their newest values per candle event.
  const items = followed.map((c) => ({ symbol: symbol ?? '', interval, indicator: c.name, params: c.params, limit: LIVE_TAIL }));
  const follow = useQuery({
    ...trpc.indicators.batch.queryOptions({ items }),
    enabled: symbol !== null && items.length > 0 && !paused,
    staleTime: Infinity,
  });
  const { refetch } = follow;
  const followEnabled = symbol !== null && items.length > 0 && !paused;
  const seenRev = useRef(candleRev);
  useEffect(() => {
    if (candleRev === seenRev.current) return;
    seenRev.current = candleRev;
    if (followEnabled) void refetch(); // cancels a read still in flight: the newest candles win
  }, [candleRev, followEnabled, refetch]);
  useEffect(() => {
    follow.data?.items.forEach((item, i) => {
      const choice = followed[i];
      if (item.ok && choice && item.indicator === choice.name) apply(choiceKey(choice), { time: item.time, values: item.values }, false);
    });
    // Only a new answer is news.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [follow.data]);

  return tails.series === series ? tails.byKey : new Map();
}
