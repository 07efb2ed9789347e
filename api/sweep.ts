// Sweep expansion, shared by the backend (which queues the runs) and the launch form (which
// previews them), so the preview is the real thing.
export type SweepValue = number | string | boolean;

export interface SweepAxis {
  /** Dotted config path, e.g. `task.p_cot`. */
  path: string;
  values: SweepValue[];
}

/** Every combination, first axis varying slowest. No axes -> one empty combination. */
export function crossProduct(axes: readonly SweepAxis[]): Record<string, SweepValue>[] {
  let combos: Record<string, SweepValue>[] = [{}];
  for (const axis of axes) {
    if (axis.values.length === 0) continue;
    const next: Record<string, SweepValue>[] = [];
    for (const combo of combos) for (const value of axis.values) next.push({ ...combo, [axis.path]: value });
    combos = next;
  }
  return combos;
}

export function sweepSize(axes: readonly SweepAxis[]): number {
  return axes.reduce((n, a) => n * Math.max(1, a.values.length), 1);
}
