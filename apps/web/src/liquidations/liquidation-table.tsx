import { useInfiniteQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState } from 'react';
import { describeFailure } from '../api-errors.ts';
import { useLiveLiquidations } from '../live/index.ts';
import { useTRPC } from '../trpc.ts';
import { listFilter, type LiquidationFilters } from './filters.ts';
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

/** Newest first, as the keyset cursor orders them: by time, then id. */
const newerFirst = (a: Row, b: Row) => b.orderTradeTime - a.orderTradeTime || b.id - a.id;

/**
 * The liquidation table: pages through the signed keyset cursor as the user scrolls (or walks with
 * the keyboard) to the end, new rows from the live head on top, never a row twice.
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
  const head = useLiveLiquidations(input, input.to === undefined && list.isSuccess);
  const filterKey = JSON.stringify(input);

  const [arrived, setArrived] = useState<{ key: string; rows: Row[] }>({ key: filterKey, rows: [] });
  const paged = useMemo(() => list.data?.pages.flatMap((p) => p.rows) ?? [], [list.data]);
  useEffect(() => {
    const newest = paged[0];
    if (!head.data || !newest) return;
    const fresh = head.data.rows.filter((r) => newerFirst(r, newest) < 0);
    if (fresh.length === 0) return;
    setArrived((prev) => {
      const base = prev.key === filterKey ? prev.rows : [];
      const seen = new Set(base.map((r) => r.id));
      return { key: filterKey, rows: [...fresh.filter((r) => !seen.has(r.id)), ...base].sort(newerFirst) };
    });
  }, [head.data, paged, filterKey]);

  const rows = useMemo(() => {
    const seen = new Set<number>();
    const out: Row[] = [];
    for (const r of [...(arrived.key === filterKey ? arrived.rows : []), ...paged]) {
      if (seen.has(r.id)) continue;
      seen.add(r.id);
      out.push(r);
    }
    return out;
  }, [arrived, paged, filterKey]);
  const arrivedIds = useMemo(() => new Set(arrived.key === filterKey ? arrived.rows.map((r) => r.id) : []), [arrived, filterKey]);

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
