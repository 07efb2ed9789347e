import { describe, expect, it } from 'vitest';
import { estimateMemory, groupKey, parseConfig, validateConfig } from './experiment-config';

const minimal = { task: { kind: 'parity', d: 20, p_cot: 0.25 } };

function errorsOf(input: unknown) {
  const r = validateConfig(input);
  if (r.ok) throw new Error('expected errors');
  return r.errors;
}

describe('experiment config', () => {
  it('fills defaults around the essentials', () => {
    const c = parseConfig(minimal);
    expect(c.task).toEqual({ kind: 'parity', d: 20, p_cot: 0.25, chain: 'full' });
    expect(c.model.layers).toBeGreaterThan(0);
    expect(c.rl).toBeNull();
    expect(c.backend).toBe('auto');
  });

  it('gives field-level errors with dotted paths and the offending value', () => {
    const errors = errorsOf({ task: { kind: 'parity', d: 20, p_cot: 1.5 }, ntp: { steps: -1, schedule: 'linear' }, model: { layers: 2.5 } });
    const byPath = Object.fromEntries(errors.map((e) => [e.path, e.message]));
    expect(byPath['task.p_cot']).toBe('task.p_cot must be in [0,1], got 1.5');
    expect(byPath['ntp.steps']).toMatch(/^ntp\.steps must be in \[0,\d+\], got -1$/);
    expect(byPath['ntp.schedule']).toBe('ntp.schedule must be one of "constant", "cosine", got "linear"');
    expect(byPath['model.layers']).toBe('model.layers must be an integer, got 2.5');
  });

  it('names missing essentials, wrong types and unknown keys', () => {
    const byPath = Object.fromEntries(
      errorsOf({ task: { kind: 'parity', p_cot: '0.2' }, rl: { algorithm: 'ppo' }, ntp: { stepz: 3 } }).map((e) => [e.path, e.message]),
    );
    expect(byPath['task.d']).toBe('task.d is required (number)');
    expect(byPath['task.p_cot']).toBe('task.p_cot must be a number, got "0.2"');
    expect(byPath['rl.algorithm']).toBe('rl.algorithm must be one of "star", "reinforce", "grpo", got "ppo"');
    expect(byPath['ntp']).toBe('ntp has unknown key "stepz"');
    expect(errorsOf({ task: { kind: 'sorting' } })[0].message).toBe('task.kind must be one of "parity", "multiplication", got "sorting"');
    expect(errorsOf(null)[0].path).toBe('');
  });

  it('checks fields against each other', () => {
    const msgs = errorsOf({ ...minimal, model: { width: 130, heads: 4 }, rl: { algorithm: 'grpo', groupSize: 1 } }).map((e) => e.message);
    expect(msgs).toContain('model.heads must divide model.width (130), got 4');
    expect(msgs).toContain('rl.groupSize must be at least 2 for GRPO (advantages are normalized within a group), got 1');
    const fromCkpt = errorsOf({ ...minimal, ntp: { steps: 10 }, rl: { fromCheckpoint: { runId: 1, checkpointId: 2 } } });
    expect(fromCkpt[0].path).toBe('ntp.steps');
  });

  it('reports cross-field errors together with range errors, not after them', () => {
    const byPath = Object.fromEntries(
      errorsOf({ ...minimal, task: { ...minimal.task, p_cot: 1.5 }, model: { width: 130, heads: 4 }, ntp: { lr: -1 } }).map((e) => [e.path, e.message]),
    );
    expect(byPath['task.p_cot']).toBe('task.p_cot must be in [0,1], got 1.5');
    expect(byPath['ntp.lr']).toMatch(/^ntp\.lr must be in/);
    expect(byPath['model.heads']).toBe('model.heads must divide model.width (130), got 4');
    // A cross check that reads a refused field is not judged on the default standing in for it.
    const widthBad = errorsOf({ ...minimal, model: { width: 2.5, heads: 3 } }).map((e) => e.path);
    expect(widthBad).toEqual(['model.width']);
    // Unknown keys do not hide cross-field errors either.
    const unknown = errorsOf({ ...minimal, model: { width: 130, heads: 4, depth: 3 } }).map((e) => e.path);
    expect(unknown.sort()).toEqual(['model', 'model.heads']);
    // The launch form validates a reactive proxy of its config (structuredClone would throw).
    const proxied = new Proxy({ ...minimal, task: { ...minimal.task, p_cot: 1.5 } }, {});
    expect(errorsOf(proxied).map((e) => e.path)).toEqual(['task.p_cot']);
  });

  it('refuses absurd sizes with the estimated memory', () => {
    const errors = errorsOf({ ...minimal, model: { layers: 48, width: 4096, heads: 32 }, ntp: { batchSize: 4096 } });
    expect(errors[0].path).toBe('model');
    expect(errors[0].message).toMatch(/would need about [\d.]+ GiB \([\d.]+M parameters\)/);
    // the headline-sized model is small
    expect(estimateMemory(parseConfig(minimal)).bytes).toBeLessThan(1024 ** 3);
  });

  it('group key ignores seed, name and spelled-out defaults, but not the science', () => {
    const a = groupKey(parseConfig({ ...minimal, seed: 1, name: 'a' }));
    expect(groupKey(parseConfig({ ...minimal, seed: 2, model: { layers: 2 } }))).toBe(a);
    expect(groupKey(parseConfig({ task: { ...minimal.task, p_cot: 0.3 } }))).not.toBe(a);
    expect(a).toMatch(/^[0-9a-f]{14}$/);
  });

  it('validates rl.star with field errors; configs without it get STaR in rounds by default', () => {
    const old = parseConfig({ ...minimal, rl: { algorithm: 'star', steps: 4 } });
    expect(old.rl!.star).toEqual({ mode: 'rounds', init: 'continue', finetuneStepsMax: 100, batchSize: 64, calibrationTolerance: 0.03, calibrateEvery: 5, calibrationSamples: 512 });
    const byPath = Object.fromEntries(
      errorsOf({ ...minimal, rl: { algorithm: 'star', star: { mode: 'epochs', init: 'scratch', calibrationTolerance: 2, finetuneStepsMax: 0, batchSize: 1.5, rounds: 3 } } }).map((e) => [e.path, e.message]),
    );
    expect(byPath['rl.star.mode']).toBe('rl.star.mode must be one of "rounds", "one-step", got "epochs"');
    expect(byPath['rl.star.init']).toBe('rl.star.init must be one of "continue", "start", got "scratch"');
    expect(byPath['rl.star.calibrationTolerance']).toBe('rl.star.calibrationTolerance must be in [0,1], got 2');
    expect(byPath['rl.star.finetuneStepsMax']).toBe('rl.star.finetuneStepsMax must be in [1,1000000], got 0');
    expect(byPath['rl.star.batchSize']).toBe('rl.star.batchSize must be an integer, got 1.5');
    expect(byPath['rl.star']).toBe('rl.star has unknown key "rounds"');
  });

  it('group keys: rl.star counts for STaR only, so other runs keep the keys they had before it existed', () => {
    const grpo = parseConfig({ ...minimal, rl: { algorithm: 'grpo', steps: 5 } });
    const { star: _star, ...before } = grpo.rl!; // a config stored before rl.star existed
    expect(groupKey({ ...grpo, rl: before } as typeof grpo)).toBe(groupKey(grpo));
    expect(groupKey(parseConfig({ ...minimal, rl: { algorithm: 'grpo', star: { init: 'start' } } }))).toBe(groupKey(parseConfig({ ...minimal, rl: { algorithm: 'grpo' } })));
    const star = (s: object) => groupKey(parseConfig({ ...minimal, rl: { algorithm: 'star', star: s } }));
    expect(star({ init: 'start' })).not.toBe(star({}));
    expect(star({ mode: 'one-step' })).not.toBe(star({}));
  });

  it('groups runs branched from different parents by the checkpoint step they start from', () => {
    const branched = (runId: number, checkpointId: number, seed: number) =>
      parseConfig({ ...minimal, seed, ntp: { steps: 0 }, rl: { steps: 5, fromCheckpoint: { runId, checkpointId } } });
    // Seeds 1 and 2 branch from their own parents' step-300 checkpoints: one group.
    expect(groupKey(branched(1, 10, 1), 300)).toBe(groupKey(branched(2, 20, 2), 300));
    // RL from an earlier checkpoint is another group.
    expect(groupKey(branched(1, 7, 1), 100)).not.toBe(groupKey(branched(1, 10, 1), 300));
  });
});
