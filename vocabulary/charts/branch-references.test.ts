import { describe, expect, it } from 'vitest';
import { parseConfig } from '../experiment-config';
import { branchReferences, xExtent } from './branch-references';
import { metricInfo } from './metric-catalog';
import { METRIC } from '../metric-keys';

const config = (p: number) => parseConfig({ task: { kind: 'parity', d: 8, p_cot: p } });
const color = () => '#000';

describe('branch references', () => {
  it('draw 2p/(1+p) per p_cot and the 1/2 greedy boundary on the continue chart', () => {
    const refs = branchReferences(metricInfo(METRIC.branchContinue), [config(0.25), config(0.5), config(0.25)], [0, 320], color);
    expect(refs.threshold).toEqual({ y: 0.5, label: 'greedy boundary 1/2' });
    expect(refs.overlays!.map((o) => o.name)).toEqual(['2p/(1+p) at p_cot=0.25', '2p/(1+p) at p_cot=0.5']);
    expect(refs.overlays![0].points.map(([x]) => x)).toEqual([0, 320]);
    expect(refs.overlays![0].points[0][1]).toBeCloseTo(0.4, 12);
    expect(refs.overlays![1].points[0][1]).toBeCloseTo(2 / 3, 12);
  });
  it('draw (1+p)/2 on the start chart without the greedy boundary', () => {
    const refs = branchReferences(metricInfo(METRIC.branchStartLong), [config(0.2)], [10, 20], color);
    expect(refs.threshold).toBeUndefined();
    expect(refs.overlays![0].points).toEqual([[10, 0.6], [20, 0.6]]);
  });
  it('draw nothing for other metrics, and no theory for a leap chain', () => {
    expect(branchReferences(metricInfo(METRIC.loss), [config(0.2)], [0, 1], color)).toEqual({});
    const leap = parseConfig({ task: { kind: 'parity', d: 8, p_cot: 0.2, chain: { leap: 2 } } });
    expect(branchReferences(metricInfo(METRIC.branchContinue), [leap], [0, 1], color).overlays).toEqual([]);
  });
  it('finds the x extent of the lines', () => {
    expect(xExtent([{ x: [5, 9] }, { x: [] }, { x: [1, 3] }])).toEqual([1, 9]);
    expect(xExtent([{ x: [] }])).toBeNull();
  });
});
