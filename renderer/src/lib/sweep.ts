// The sweep builder: lists of values per config path, expanded to their cross product. The
// backend does the real expansion from `runs/start { sweep }`; this preview must agree with it.
import type { Scalar } from './config-paths';

export interface SweepAxis {
  path: string;
  values: (number | string | boolean)[];
}

/** "0.1, 0.2 0.3" -> [0.1, 0.2, 0.3]; "grpo, star" -> strings; "true" -> boolean. */
export function parseValueList(text: string): (number | string | boolean)[] {
  return text
    .split(/[\s,;]+/)
    .map((t) => t.trim())
    .filter((t) => t.length > 0)
    .map(parseScalar);
}

export function parseScalar(token: string): number | string | boolean {
  if (token === 'true') return true;
  if (token === 'false') return false;
  const n = Number(token);
  return token !== '' && Number.isFinite(n) ? n : token;
}

/** Every combination, first axis varying slowest. No axes -> one empty combination. */
export function crossProduct(axes: readonly SweepAxis[]): Record<string, Scalar>[] {
  let combos: Record<string, Scalar>[] = [{}];
  for (const axis of axes) {
    if (axis.values.length === 0) continue;
    const next: Record<string, Scalar>[] = [];
    for (const combo of combos) for (const value of axis.values) next.push({ ...combo, [axis.path]: value });
    combos = next;
  }
  return combos;
}

export function sweepSize(axes: readonly SweepAxis[]): number {
  return axes.reduce((n, a) => n * Math.max(1, a.values.length), 1);
}

/** Short name for one combination, e.g. `p_cot=0.1 seed=2`. */
export function comboLabel(combo: Record<string, Scalar>): string {
  return Object.entries(combo)
    .map(([path, v]) => `${path.split('.').pop()}=${String(v)}`)
    .join(' ');
}
