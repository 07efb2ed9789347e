import { describe, expect, it } from 'vitest';
import { resumeAction } from './resume-action';

describe('resumeAction', () => {
  it('resumes from the latest checkpoint and says which steps are trained again', () => {
    const action = resumeAction([{ step: 100 }, { step: 50 }], 120, false);
    expect(action).toEqual({
      label: 'Resume from step 100',
      title: 'Continues from the checkpoint at step 100. Steps 101–120 are dropped and trained again.',
      fromStart: false,
      confirm: null,
    });
  });

  it('offers a restart from step 0 without a checkpoint, and asks first when rows would be deleted', () => {
    const action = resumeAction([], 37, false);
    expect(action.label).toBe('Restart from step 0');
    expect(action.fromStart).toBe(true);
    expect(action.confirm).toBe(
      'This run has no checkpoint, so it cannot resume. Restarting deletes the metrics and samples it logged up to step 37 and trains it again from step 0.',
    );
  });

  it('asks nothing when nothing was logged, and names the branch point for an RL branch', () => {
    expect(resumeAction([], null, false)).toMatchObject({ label: 'Restart from step 0', fromStart: true, confirm: null });
    expect(resumeAction([], 0, true)).toMatchObject({ label: 'Restart from its branch point', confirm: null });
    expect(resumeAction([], 12, true).confirm).toContain('trains it again from its branch point');
  });
});
