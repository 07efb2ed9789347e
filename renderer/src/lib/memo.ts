// A value per key, rebuilt only when one of its inputs changed (by identity). The compare view
// builds each chart's option through it, so a change that touches one chart (a metric added, its
// log axis) leaves the other charts' options, and so their ECharts instances, alone.

export class KeyedMemo<T> {
  private readonly held = new Map<string, { deps: readonly unknown[]; value: T }>();

  /** Reactive code must read every input into `deps`: `build` is not called when nothing changed. */
  get(key: string, deps: readonly unknown[], build: () => T): T {
    const h = this.held.get(key);
    if (h && h.deps.length === deps.length && h.deps.every((d, i) => Object.is(d, deps[i]))) return h.value;
    const value = build();
    this.held.set(key, { deps, value });
    return value;
  }

  /** Forgets the keys not in `keep` (a metric taken off the view). */
  retain(keep: readonly string[]): void {
    const set = new Set(keep);
    for (const k of this.held.keys()) if (!set.has(k)) this.held.delete(k);
  }
}
