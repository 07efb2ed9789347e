import { describe, expect, it } from 'vitest';
import { checkRunGraph, dependencyLevels } from '../vocabulary/run-graph';
import { getStudies } from './studies';
import { planStudies, studiesToGraph, studyRunKey } from './study-graph';

describe('studies as a run graph', () => {
  it('shares runs with the same config across studies and branches from the picked checkpoint step', () => {
    const studies = getStudies('quick').filter((s) => ['ntp-vs-rl', 'rl-start', 'temperature'].includes(s.name));
    const { graph, keyOf } = planStudies(studies, ['reproduce']);
    expect(checkRunGraph(graph)).toEqual([]);
    // ntp-vs-rl's NTP run serves rl-start and temperature too; so does GRPO at tau=1 from the last checkpoint.
    const ntp = keyOf.get(studyRunKey('ntp-vs-rl', 'ntp', 0))!;
    expect(keyOf.get(studyRunKey('rl-start', 'ntp', 0))).toBe(ntp);
    expect(keyOf.get(studyRunKey('temperature', 'tau=1', 0))).toBe(keyOf.get(studyRunKey('ntp-vs-rl', 'ntp+rl', 0)));
    const shared = graph.runs.find((r) => r.key === ntp)!;
    expect(shared.tags).toEqual(['study:ntp-vs-rl', 'study:rl-start', 'study:temperature', 'reproduce']);
    // quick scale: 250 NTP steps, checkpoints every 13 -> early ~25, middle ~125, late ~200, last 250.
    const steps = Object.fromEntries(['rl-from-early', 'rl-from-middle', 'rl-from-late'].map((l) => [l, graph.runs.find((r) => r.key === keyOf.get(studyRunKey('rl-start', l, 0)))!.branch!.step]));
    expect(steps).toEqual({ 'rl-from-early': 26, 'rl-from-middle': 130, 'rl-from-late': 195 });
    expect(graph.runs.find((r) => r.key === keyOf.get(studyRunKey('ntp-vs-rl', 'ntp+rl', 0)))!.branch).toEqual({ from: ntp, phase: 'ntp', step: 250 });
    const levels = dependencyLevels(graph);
    // Roots: ntp, ntp-continued, rl-start's ntp at p_cot 0.01. Branches: GRPO from the last (shared by
    // ntp-vs-rl and tau=1), early, middle, late, tau 0.75 and 1.5, the four p_cot 0.01 ones, STaR at tau 1 and 1.5.
    expect(levels.map((l) => l.length)).toEqual([3, 12]);
  });

  it('keeps every seed apart', () => {
    const graph = studiesToGraph(getStudies('tiny', 2).filter((s) => s.name === 'ntp-vs-rl'));
    expect(graph.runs.map((r) => r.key)).toEqual([
      'ntp-vs-rl/ntp#0', 'ntp-vs-rl/ntp#1', 'ntp-vs-rl/ntp+rl#0', 'ntp-vs-rl/ntp+rl#1', 'ntp-vs-rl/ntp-continued#0', 'ntp-vs-rl/ntp-continued#1',
    ]);
    expect(graph.runs[3]!.branch?.from).toBe('ntp-vs-rl/ntp#1');
  });
});
