import { useCallback, useEffect, useState } from 'react';
import { DEFAULT_LAYOUT, layoutFromParams, layoutToParams, type Layout } from './layout.ts';

const STORAGE_KEY = 'wick.layout';

function stored(): Layout {
  try {
    const text = window.localStorage.getItem(STORAGE_KEY);
    return text ? layoutFromParams(new URLSearchParams(text)) : DEFAULT_LAYOUT;
  } catch {
    return DEFAULT_LAYOUT; // storage disabled (private mode): the URL alone carries the layout
  }
}

/** The layout the page opens with: the URL wins (a shared link opens what it shows), else the last one used here. */
export function initialLayout(): Layout {
  return layoutFromParams(new URLSearchParams(window.location.search), stored());
}

/** The layout, kept in the URL and in local storage as it changes. */
export function useLayout(): [Layout, (change: (current: Layout) => Layout) => void] {
  const [layout, setLayout] = useState<Layout>(initialLayout);

  useEffect(() => {
    const params = layoutToParams(layout);
    const url = `${window.location.pathname}?${params.toString()}`;
    if (url !== `${window.location.pathname}${window.location.search}`) window.history.replaceState(null, '', url);
    try {
      window.localStorage.setItem(STORAGE_KEY, params.toString());
    } catch {
      // storage full or disabled: the URL still has it
    }
    document.documentElement.dataset.theme = layout.theme;
  }, [layout]);

  const update = useCallback((change: (current: Layout) => Layout) => setLayout(change), []);
  return [layout, update];
}
