import { describe, expect, it } from 'vitest';
import { parseConfig } from '../vocabulary/experiment-config';
import { UsageError } from './args';
import { applyAssignment, applyValue } from './set-value';

const minimal = { task: { kind: 'parity', d: 20, p_cot: 0.25 } };

describe('--set values', () => {
  it('--set parses values and creates sections', () => {
    let c: object = minimal;
    c = applyValue(c, 'task.p_cot', '0.5');
    c = applyValue(c, 'rl.algorithm', 'star');
    c = applyAssignment(c, 'rl.steps=50');
    c = applyValue(c, 'task.chain', '{"leap":2}');
    const v = parseConfig(c);
    expect(v.task).toEqual({ kind: 'parity', d: 20, p_cot: 0.5, chain: { leap: 2 } });
    expect(v.rl?.algorithm).toBe('star');
    expect(v.rl?.steps).toBe(50);
    expect(minimal.task.p_cot).toBe(0.25); // input untouched
  });

  it('refuses prototype-reaching paths as usage errors naming the path, and pollutes nothing', () => {
    expect(() => applyAssignment(minimal, '__proto__.polluted=1')).toThrow(UsageError);
    expect(() => applyAssignment(minimal, 'task.constructor.prototype.x=1')).toThrow("task.constructor.prototype.x: 'constructor' is not a config field");
    expect(() => applyAssignment(minimal, 'task..p_cot=1')).toThrow('empty segment');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
