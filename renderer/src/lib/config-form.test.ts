import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../../vocabulary/experiment-config';
import { formSections, parseFieldInput, withDefaults } from './config-form';
import { flattenConfig, setPath } from '../../../vocabulary/config-paths';

const input = { task: { kind: 'parity' as const, d: 20, p_cot: 0.25 }, rl: {} };

describe('config form', () => {
  it('covers every scalar knob of the validated config', () => {
    const full = withDefaults(input)!;
    const paths = formSections(full).flatMap((s) => s.fields.map((f) => f.path));
    const leaves = Object.keys(flattenConfig(full)).filter((p) => p !== 'task.kind' && p !== 'task.chain');
    for (const leaf of leaves) expect(paths).toContain(leaf);
    expect(paths).toContain('eval.maxNewTokens');
  });

  it('takes enum choices from the schema', () => {
    const fields = formSections(withDefaults(input)!).flatMap((s) => s.fields);
    const byPath = new Map(fields.map((f) => [f.path, f]));
    expect(byPath.get('rl.algorithm')?.options).toEqual(['star', 'reinforce', 'grpo']);
    expect(byPath.get('ntp.schedule')?.options).toEqual(['constant', 'cosine']);
    expect(byPath.get('backend')?.options).toContain('wasm');
    expect(byPath.get('eval.maxNewTokens')?.optional).toBe(true);
  });

  it('drops RL fields when the RL phase is off and switches task fields by kind', () => {
    const sections = formSections({ task: { kind: 'multiplication', digits: 3, p_cot: 0.5 }, rl: null });
    expect(sections.find((s) => s.id === 'rl')!.fields).toEqual([]);
    expect(sections.find((s) => s.id === 'task')!.fields.map((f) => f.path)).toEqual(['task.digits', 'task.p_cot']);
  });

  it('parses inputs so that the validator reports the field', () => {
    const field = formSections(withDefaults(input)!)[0].fields.find((f) => f.path === 'task.p_cot')!;
    const bad = setPath(withDefaults(input)!, 'task.p_cot', parseFieldInput(field, '1.5'));
    const result = validateConfig(bad);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors).toContainEqual({ path: 'task.p_cot', message: 'task.p_cot must be in [0,1], got 1.5' });
  });
});
