// What the compare view shows. Lives in the app state so it survives switching views.
import { SvelteSet } from 'svelte/reactivity';
import { DEFAULT_COMPARE_KEYS } from '../../../vocabulary/charts/metric-catalog';
import type { XAxisKind } from '../../../vocabulary/charts/series';
import type { CompareUrlState } from '../lib/compare-url';

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
  /** Metric keys drawn on a log y axis. */
  logKeys = new SvelteSet<string>();
  /** The x window all charts are zoomed to; null = the whole axis. */
  zoom = $state<[number, number] | null>(null);
  /** The "at step" column of the summary table; null = not shown. */
  atStep = $state<number | null>(null);

  /** Everything the URL carries. */
  snapshot(): CompareUrlState {
    return {
      keys: [...this.keys],
      smoothing: this.smoothing,
      x: this.x,
      groupSeeds: this.groupSeeds,
      band: this.band,
      showThreshold: this.showThreshold,
      showStar: this.showStar,
      hidden: [...this.hidden],
      atStep: this.atStep,
      zoom: this.zoom,
      logKeys: [...this.logKeys],
    };
  }

  apply(s: CompareUrlState): void {
    this.keys = s.keys;
    this.smoothing = s.smoothing;
    this.x = s.x;
    this.groupSeeds = s.groupSeeds;
    this.band = s.band;
    this.showThreshold = s.showThreshold;
    this.showStar = s.showStar;
    this.hidden.clear();
    for (const id of s.hidden) this.hidden.add(id);
    this.atStep = s.atStep;
    this.zoom = s.zoom;
    this.logKeys.clear();
    for (const k of s.logKeys) this.logKeys.add(k);
  }

  toggleHidden(id: string): void {
    if (this.hidden.has(id)) this.hidden.delete(id);
    else this.hidden.add(id);
  }

  toggleKey(key: string): void {
    this.keys = this.keys.includes(key) ? this.keys.filter((k) => k !== key) : [...this.keys, key];
  }
}
