import type { Theme } from '../layout/layout.ts';

export interface ChartColors {
  background: string;
  text: string;
  grid: string;
  up: string;
  down: string;
  upVolume: string;
  downVolume: string;
}

/** Chart colours per theme; the page's CSS variables use the same values. */
export const THEMES: Record<Theme, ChartColors> = {
  dark: {
    background: '#0d1117',
    text: '#c9d1d9',
    grid: '#1f2630',
    up: '#26a69a',
    down: '#ef5350',
    upVolume: 'rgba(38, 166, 154, 0.5)',
    downVolume: 'rgba(239, 83, 80, 0.5)',
  },
  light: {
    background: '#ffffff',
    text: '#24292f',
    grid: '#eaeef2',
    up: '#089981',
    down: '#f23645',
    upVolume: 'rgba(8, 153, 129, 0.45)',
    downVolume: 'rgba(242, 54, 69, 0.45)',
  },
};
