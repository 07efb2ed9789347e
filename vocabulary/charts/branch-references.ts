// Reference lines for the mechanism's branch-probability charts: the theory's value for each p_cot
// among the charted runs ((1+p)/2 to start the long form, 2p/(1+p) to continue it) and the 1/2
// boundary above which greedy decoding continues. The theory is for the full parity chain only.
import type { ExperimentConfig } from '../experiment-config';
import type { ChartOverlay, ChartSpec } from './chart-options';
import type { MetricInfo } from './metric-catalog';
import { branchTheory, GREEDY_BOUNDARY } from './theory';

const MAX_THEORY_LINES = 6;

export function branchReferences(
  info: Pick<MetricInfo, 'branch'>,
  configs: readonly ExperimentConfig[],
  xRange: readonly [number, number] | null,
  color: (index: number) => string,
): Pick<ChartSpec, 'overlays' | 'threshold'> {
  if (!info.branch) return {};
  const threshold = info.branch === 'start' ? undefined : { y: GREEDY_BOUNDARY, label: 'greedy boundary 1/2' };
  if (info.branch === 'greedy-continue' || !xRange || !(xRange[1] > xRange[0])) return { threshold, overlays: [] };
  const pCots = [...new Set(configs.filter((c) => c.task.kind === 'parity' && c.task.chain === 'full').map((c) => c.task.p_cot))].sort((a, b) => a - b);
  const overlays: ChartOverlay[] = pCots.slice(0, MAX_THEORY_LINES).map((p, i) => {
    const theory = branchTheory(p);
    const y = info.branch === 'start' ? theory.startLong : theory.continueLong;
    const formula = info.branch === 'start' ? '(1+p)/2' : '2p/(1+p)';
    return { name: `${formula} at p_cot=${p}`, points: [[xRange[0], y], [xRange[1], y]], color: color(i) };
  });
  return { threshold, overlays };
}

/** The x extent of a chart's lines, for drawing reference lines across it. */
export function xExtent(lines: readonly { x: readonly number[] }[]): [number, number] | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (const l of lines) {
    if (l.x.length === 0) continue;
    lo = Math.min(lo, l.x[0]);
    hi = Math.max(hi, l.x[l.x.length - 1]);
  }
  return lo < hi ? [lo, hi] : null;
}
