import { describe, expect, it } from 'vitest';
import { parseConfig } from './experiment-config';

const TASK = { kind: 'parity', d: 4, p_cot: 0.5 };
import { checkRunGraph, dependencyLevels, type PlannedRun } from './run-graph';

const config = parseConfig({ task: TASK });
const run = (key: string, from: string | null = null): PlannedRun => ({ key, name: key, config, tags: [], branch: from ? { from, phase: 'ntp', step: 10 } : null });

describe('run graph', () => {
  it('orders runs by dependency level', () => {
    const levels = dependencyLevels({ runs: [run('rl', 'ntp'), run('ntp'), run('rl2', 'rl'), run('other')] });
    expect(levels.map((l) => l.map((r) => r.key))).toEqual([['ntp', 'other'], ['rl'], ['rl2']]);
  });
  it('names duplicate keys, unknown parents and cycles', () => {
    expect(checkRunGraph({ runs: [run('a'), run('a')] })).toEqual(["run key 'a' appears twice"]);
    expect(checkRunGraph({ runs: [run('a', 'zz')] })).toEqual(["run 'a' branches from unknown run 'zz'"]);
    expect(checkRunGraph({ runs: [run('a', 'b'), run('b', 'a')] })).toHaveLength(2);
    expect(() => dependencyLevels({ runs: [run('a', 'a')] })).toThrow(/cycle/);
  });
});
