import { describe, expect, it } from 'vitest';
import { ConfigPathError, diffConfigs, flattenConfig, getPath, setPath } from './config-paths';

const base = {
  task: { name: 'parity', d: 20, p_cot: 0.25, chain: 'full' },
  model: { layers: 2, width: 128 },
  ntp: { steps: 300, lr: 1e-3 },
  rl: { steps: 100, algorithm: 'grpo', temperature: 1 },
  seed: 1,
  backend: null,
};

describe('config paths', () => {
  it('flattens nested sections to dotted paths', () => {
    const flat = flattenConfig(base);
    expect(flat['task.p_cot']).toBe(0.25);
    expect(flat['rl.algorithm']).toBe('grpo');
    expect(flat.backend).toBeNull();
    expect(Object.keys(flat)).toHaveLength(13);
  });

  it('gets and sets by path without mutating the original', () => {
    const next = setPath(base, 'rl.temperature', 1.5);
    expect(getPath(next, 'rl.temperature')).toBe(1.5);
    expect(getPath(base, 'rl.temperature')).toBe(1);
    expect(next.task).toBe(base.task);
    expect(getPath(setPath({}, 'a.b.c', 2), 'a.b.c')).toBe(2);
    expect(getPath(base, 'task.missing.deeper')).toBeUndefined();
  });
});

describe('diffConfigs', () => {
  it('keeps only keys that differ, in section order', () => {
    const other = setPath(setPath(base, 'task.p_cot', 0.5), 'seed', 2);
    const rows = diffConfigs([base, other]);
    expect(rows.map((r) => r.path)).toEqual(['task.p_cot', 'seed']);
    expect(rows[0].values).toEqual([0.25, 0.5]);
  });

  it('reports a key present in only some configs', () => {
    const extra = setPath(base, 'rl.kl_coef', 0.1);
    const rows = diffConfigs([base, extra, base]);
    expect(rows).toEqual([{ path: 'rl.kl_coef', values: [undefined, 0.1, undefined] }]);
  });

  it('ignores the config-level name, which labels rather than configures a run', () => {
    expect(diffConfigs([{ ...base, name: 'a' }, { ...base, name: 'b' }])).toEqual([]);
  });

  it('is empty for identical configs and for a single config', () => {
    expect(diffConfigs([base, structuredClone(base)])).toEqual([]);
    expect(diffConfigs([base])).toEqual([]);
  });
});

describe('config paths and the prototype', () => {
  it('refuses __proto__, prototype and constructor segments, leaving Object.prototype alone', () => {
    for (const path of ['__proto__.polluted', 'task.__proto__.polluted', 'constructor.prototype.polluted', 'task.prototype']) {
      expect(() => setPath(base, path, 1)).toThrow(ConfigPathError);
    }
    expect(() => setPath(base, '__proto__.polluted', 1)).toThrow("__proto__.polluted: '__proto__' is not a config field");
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('reads and writes own properties only', () => {
    expect(getPath({}, 'constructor')).toBeUndefined();
    expect(getPath({ a: {} }, 'a.toString')).toBeUndefined();
    // A key named like an inherited method is an own key once written, not the inherited function.
    const next = setPath({ a: {} }, 'a.toString.x', 1) as { a: Record<string, unknown> };
    expect(Object.hasOwn(next.a, 'toString')).toBe(true);
    expect(getPath(next, 'a.toString.x')).toBe(1);
  });
});
