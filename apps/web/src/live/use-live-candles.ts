import { useQueryClient } from '@tanstack/react-query';
import type { CandleLiveEvent } from '@wick/client';
import type { Interval } from '@wick/market';
import { useMemo, useState } from 'react';
import { emptyCandles, type Candles } from '../chart/candles.ts';
import { useTRPC, useTRPCClient } from '../trpc.ts';
import { candleColumns, mergeCandleTail } from './tail-merge.ts';
import { useLiveStreams, type StreamSpec } from './use-live-streams.ts';

type Tracked = { id: string; data: CandleLiveEvent };

/** The chart keeps at most this many candles; the live tail never grows past it either. */
export const MAX_LIVE_CANDLES = 5000;

export interface LiveCandles {
  /** The series the tail belongs to (`symbol:interval`); a tail of another series is ignored. */
  series: string;
  /** The candles the stream brought: its snapshot, then every change on top. */
  tail: Candles;
  /** Counts events that changed candles: indicators without a stream of their own follow it. */
  rev: number;
}

/**
 * candles.live for one series: the snapshot (the series' last candles), then updates that move
 * the open candle or append closed ones, merged into the tail; no refetch. When the server says
 * older candles may have changed (`reload`: a correction, a backfill, a resync after the replay
 * window), the loaded pages of candles.range are read again.
 */
export function useLiveCandles(symbol: string | null, interval: Interval): LiveCandles {
  const client = useTRPCClient();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const series = `${symbol}:${interval}`;
  const [live, setLive] = useState<LiveCandles>({ series, tail: emptyCandles(), rev: 0 });

  const specs = useMemo(
    (): StreamSpec<Tracked>[] =>
      symbol === null ? [] : [{ key: series, open: (observer) => client.candles.live.subscribe({ symbol, interval }, observer) }],
    [client, symbol, interval, series],
  );
  useLiveStreams('candles', specs, (key, { data: event }) => {
    const candles = candleColumns(event.candles);
    setLive((prev) => {
      const base = prev.series === key && event.type === 'update' ? prev.tail : emptyCandles();
      return { series: key, tail: mergeCandleTail(base, candles, MAX_LIVE_CANDLES), rev: (prev.series === key ? prev.rev : 0) + 1 };
    });
    if (event.reload || event.type === 'resync') {
      void queryClient.invalidateQueries(trpc.candles.range.queryFilter({ symbol: event.symbol, interval: event.interval }));
    }
  });

  return live.series === series ? live : { series, tail: emptyCandles(), rev: 0 };
}
