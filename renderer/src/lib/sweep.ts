// The sweep builder's text handling. The expansion itself lives in api/sweep.ts, shared with the
// backend that queues the runs, so the preview shows exactly what will be queued.
import type { Scalar } from '../../../vocabulary/config-paths';

export { crossProduct, sweepSize, type SweepAxis } from '../../../api/sweep';

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

/** Short name for one combination, e.g. `p_cot=0.1 seed=2`. */
export function comboLabel(combo: Record<string, Scalar>): string {
  return Object.entries(combo)
    .map(([path, v]) => `${path.split('.').pop()}=${String(v)}`)
    .join(' ');
}
