import { describe, expect, it } from 'vitest';
import { estimateMemory, validateConfig } from '../vocabulary/experiment-config';
import { getPreset, PRESETS } from './presets';

describe('presets', () => {
  it('are valid configs with unique names', () => {
    expect(new Set(PRESETS.map((p) => p.name)).size).toBe(PRESETS.length);
    for (const p of PRESETS) expect(validateConfig(p.config).ok, p.name).toBe(true);
  });

  it('headline sits below the threshold at d >= 20 with RL; the control sits above without', () => {
    const h = getPreset('headline')!.config;
    expect(h.task.kind === 'parity' && h.task.d).toBeGreaterThanOrEqual(20);
    expect(h.task.p_cot).toBeLessThanOrEqual(0.25);
    expect(h.rl).not.toBeNull();
    const c = getPreset('headline-control')!.config;
    expect(c.task.p_cot).toBe(0.5);
    expect(c.rl).toBeNull();
    expect({ ...c.task, p_cot: 0 }).toEqual({ ...h.task, p_cot: 0 });
    expect(c.model).toEqual(h.model);
  });

  it('tiny is tiny', () => {
    const t = getPreset('tiny')!.config;
    expect(estimateMemory(t).params).toBeLessThan(50_000);
    expect(t.ntp.steps + (t.rl?.steps ?? 0)).toBeLessThan(100);
  });

  it('getPreset returns a copy', () => {
    getPreset('tiny')!.config.seed = 99;
    expect(getPreset('tiny')!.config.seed).toBe(0);
    expect(getPreset('nope')).toBeUndefined();
  });
});
