// Follows the OS light/dark setting; charts switch palettes with it.
import { MediaQuery } from 'svelte/reactivity';
import { DARK_THEME, LIGHT_THEME, type ChartTheme } from '../../../vocabulary/charts/chart-options';

const prefersDark = new MediaQuery('(prefers-color-scheme: dark)', false);

export function chartTheme(): ChartTheme {
  return prefersDark.current ? DARK_THEME : LIGHT_THEME;
}
