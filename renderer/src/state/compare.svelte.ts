// What the compare view shows. Lives in the app state so it survives switching views.
import { SvelteSet } from 'svelte/reactivity';
import { DEFAULT_COMPARE_KEYS } from '../../../vocabulary/charts/metric-catalog';
import type { XAxisKind } from '../../../vocabulary/charts/series';

export class CompareState {
  ids = $state<number[]>([]);
  /** Draw seeds of one config as their mean with a band instead of one line per run. */
  groupSeeds = $state(false);
  band = $state<'minmax' | 'std'>('minmax');
  x = $state<XAxisKind>('step');
  smoothing = $state(0.6);
  keys = $state<string[]>([...DEFAULT_COMPARE_KEYS]);
  showThreshold = $state(true);
  showStar = $state(false);
  /** Lines the user switched off in the legend (unit ids). */
  hidden = new SvelteSet<string>();
  /** The "at step" column of the summary table; null = not shown. */
  atStep = $state<number | null>(null);

  toggleHidden(id: string): void {
    if (this.hidden.has(id)) this.hidden.delete(id);
    else this.hidden.add(id);
  }

  toggleKey(key: string): void {
    this.keys = this.keys.includes(key) ? this.keys.filter((k) => k !== key) : [...this.keys, key];
  }
}
