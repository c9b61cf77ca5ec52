import { useInfiniteQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState } from 'react';
import { describeFailure } from '../api-errors.ts';
import { newerFirst, useLiveLiquidations } from '../live/index.ts';
import { useTRPC } from '../trpc.ts';
import { listFilter, matchesFilters, type LiquidationFilters } from './filters.ts';
import { formatUsd } from './markers.ts';

export const TABLE_PAGE = 50;

type Row = {
  id: number;
  symbol: string;
  side: 'BUY' | 'SELL';
  price: string;
  averagePrice: string;
  accumulatedFillQuantity: string;
  orderTradeTime: number;
  usd: string;
  orderStatus: string;
};

/**
 * The liquidation table: pages through the signed keyset cursor as the user scrolls (or walks with
 * the keyboard) to the end, new rows from liquidations.live in their place (on top), never a row twice.
 */
export function LiquidationTable({ filters }: { filters: LiquidationFilters }) {
  const trpc = useTRPC();
  const input = listFilter(filters);
  const list = useInfiniteQuery(
    trpc.liquidations.list.infiniteQueryOptions(
      { ...input, limit: TABLE_PAGE },
      { getNextPageParam: (page) => page.nextCursor ?? undefined },
    ),
  );
  const live = useLiveLiquidations();

  // The live stream lost events (resync): the table starts again from its newest page.
  const queryClient = useQueryClient();
  const epochSeen = useRef(live.epoch);
  useEffect(() => {
    if (live.epoch === epochSeen.current) return;
    epochSeen.current = live.epoch;
    void queryClient.resetQueries(trpc.liquidations.list.infiniteQueryFilter({ ...input, limit: TABLE_PAGE }));
    // input is rebuilt every render; the table is remounted when its filters change (key)
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [live.epoch, queryClient, trpc]);

  const paged = useMemo(() => list.data?.pages.flatMap((p) => p.rows) ?? [], [list.data]);
  const filterKey = JSON.stringify(input);
  const { rows, arrivedIds } = useMemo(() => {
    // Live rows that pass the filters and fall inside what is loaded; older ones come with the next page.
    const oldest = paged.at(-1);
    const f = JSON.parse(filterKey) as LiquidationFilters;
    const arrived = live.rows
      .map((l) => l.row)
      .filter((r) => matchesFilters(r, f) && (oldest === undefined || !list.hasNextPage || newerFirst(r, oldest) <= 0));
    const pagedIds = new Set(paged.map((r) => r.id));
    const seen = new Set<number>();
    const out: Row[] = [];
    for (const r of [...arrived, ...paged].sort(newerFirst)) {
      if (seen.has(r.id)) continue;
      seen.add(r.id);
      out.push(r);
    }
    return { rows: out, arrivedIds: new Set(arrived.filter((r) => !pagedIds.has(r.id)).map((r) => r.id)) };
  }, [live.rows, paged, filterKey, list.hasNextPage]);

  const scroller = useRef<HTMLDivElement>(null);
  const sentinel = useRef<HTMLTableRowElement>(null);
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = list;
  useEffect(() => {
    const target = sentinel.current;
    if (!target || !hasNextPage) return;
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting) && !isFetchingNextPage) void fetchNextPage();
      },
      { root: scroller.current, rootMargin: '200px' },
    );
    observer.observe(target);
    return () => observer.disconnect();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage, rows.length]);

  const [focused, setFocused] = useState(0);
  const moveFocus = (to: number) => {
    const index = Math.max(0, Math.min(rows.length - 1, to));
    setFocused(index);
    scroller.current?.querySelector<HTMLElement>(`tr[data-index="${index}"]`)?.focus();
    if (index >= rows.length - 5 && hasNextPage && !isFetchingNextPage) void fetchNextPage();
  };

  return (
    <div className="table-wrap">
      <div
        className="table-scroll"
        ref={scroller}
        data-testid="liquidation-scroll"
        onKeyDown={(e) => {
          const step = { ArrowDown: 1, ArrowUp: -1, PageDown: 10, PageUp: -10 }[e.key];
          if (step !== undefined) {
            e.preventDefault();
            moveFocus(focused + step);
          } else if (e.key === 'Home' || e.key === 'End') {
            e.preventDefault();
            moveFocus(e.key === 'Home' ? 0 : rows.length - 1);
          }
        }}
      >
        <table aria-label="Liquidations, newest first" aria-rowcount={hasNextPage ? -1 : rows.length}>
          <thead>
            <tr>
              <th scope="col">Time (UTC)</th>
              <th scope="col">Symbol</th>
              <th scope="col">Liquidated</th>
              <th scope="col" className="num">
                Avg price
              </th>
              <th scope="col" className="num">
                Quantity
              </th>
              <th scope="col" className="num">
                USD
              </th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r, i) => (
              <tr
                key={r.id}
                data-id={r.id}
                data-time={r.orderTradeTime}
                data-index={i}
                tabIndex={i === focused ? 0 : -1}
                className={arrivedIds.has(r.id) ? 'arrived' : undefined}
                onFocus={() => setFocused(i)}
              >
                <td>{new Date(r.orderTradeTime).toISOString().replace('T', ' ').slice(0, 19)}</td>
                <td>{r.symbol}</td>
                <td className={r.side === 'SELL' ? 'down' : 'up'}>{r.side === 'SELL' ? 'Long' : 'Short'}</td>
                <td className="num">{Number(r.averagePrice).toLocaleString('en-US', { maximumFractionDigits: 4 })}</td>
                <td className="num">{Number(r.accumulatedFillQuantity).toLocaleString('en-US', { maximumFractionDigits: 6 })}</td>
                <td className="num" title={r.usd}>
                  {formatUsd(Number(r.usd))}
                </td>
                <td>{r.orderStatus}</td>
              </tr>
            ))}
            <tr ref={sentinel} aria-hidden="true" className="sentinel">
              <td colSpan={7}>
                {list.isLoading || isFetchingNextPage
                  ? 'Loading…'
                  : hasNextPage
                    ? ''
                    : rows.length === 0
                      ? 'No liquidations match these filters.'
                      : 'End of history.'}
              </td>
            </tr>
          </tbody>
        </table>
      </div>
      <div className="table-foot">
        <span data-testid="liquidation-count">{rows.length} rows</span>
        {hasNextPage && (
          <button type="button" onClick={() => void fetchNextPage()} disabled={isFetchingNextPage}>
            Load more
          </button>
        )}
        {list.error && <span className="error">{describeFailure(list.error)}</span>}
      </div>
    </div>
  );
}
