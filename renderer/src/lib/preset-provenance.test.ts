import { describe, expect, it } from 'vitest';
import { setPath } from '../../../vocabulary/config-paths';
import { parseConfig } from '../../../vocabulary/experiment-config';
import { changedPaths, provenance } from './preset-provenance';

/** Shaped like paper/presets.ts's headline (the renderer does not import paper/). */
const headline = {
  name: 'headline',
  group: 'headline',
  config: parseConfig({ name: 'headline', task: { kind: 'parity', d: 20, p_cot: 0.25 }, model: { layers: 2, heads: 4, width: 128 }, rl: { steps: 20, algorithm: 'grpo' } }),
};

describe('preset provenance', () => {
  it('an untouched preset keeps its name and its study tag', () => {
    expect(provenance(headline, structuredClone(headline.config))).toEqual({ edited: false, changed: [], configName: 'headline', tag: 'headline' });
    // A sweep over seeds repeats the preset's experiment.
    expect(provenance(headline, structuredClone(headline.config), ['seed']).edited).toBe(false);
  });

  it('an edited preset is named and tagged as edited, listing what changed', () => {
    let config: unknown = setPath(structuredClone(headline.config), 'task.p_cot', 0.3);
    config = setPath(config, 'model.width', 64);
    expect(provenance(headline, config)).toEqual({
      edited: true,
      changed: ['model.width', 'task.p_cot'],
      configName: 'headline (edited)',
      tag: 'headline (edited)',
    });
  });

  it('a sweep over a field other than the seed is an edit; the config name is not', () => {
    expect(changedPaths(headline.config, structuredClone(headline.config), ['task.p_cot', 'seed'])).toEqual(['task.p_cot']);
    expect(changedPaths(headline.config, { ...structuredClone(headline.config), name: 'mine' })).toEqual([]);
  });

  it('turning RL off is an edit', () => {
    expect(changedPaths(headline.config, { ...structuredClone(headline.config), rl: null })).toContain('rl');
  });
});
