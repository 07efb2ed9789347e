// What the run view's Resume button does for a stopped, interrupted or failed run, said before it
// happens: resume from the latest checkpoint, or (without one) a restart that asks first when it
// would delete logged rows. The backend refuses a checkpoint-less resume unless fromStart is sent.

export interface ResumeAction {
  label: string;
  /** Tooltip: what happens to the rows already logged. */
  title: string;
  /** Sent as runs/resume's fromStart. */
  fromStart: boolean;
  /** Asked before the call when rows would be lost; null = nothing to confirm. */
  confirm: string | null;
}

/**
 * @param checkpoints the run's own checkpoints
 * @param loggedStep the last step it logged (null or 0 = nothing yet)
 * @param branched whether it is an RL branch, whose start is its parent's checkpoint, not step 0
 */
export function resumeAction(checkpoints: readonly { step: number }[], loggedStep: number | null, branched: boolean): ResumeAction {
  const latest = checkpoints.reduce<{ step: number } | null>((best, c) => (best == null || c.step > best.step ? c : best), null);
  if (latest) {
    const dropped = loggedStep != null && loggedStep > latest.step ? ` Steps ${latest.step + 1}–${loggedStep} are dropped and trained again.` : '';
    return { label: `Resume from step ${latest.step}`, title: `Continues from the checkpoint at step ${latest.step}.${dropped}`, fromStart: false, confirm: null };
  }
  const start = branched ? 'its branch point' : 'step 0';
  const label = branched ? 'Restart from its branch point' : 'Restart from step 0';
  if (!loggedStep) return { label, title: `No checkpoint and nothing logged: trains from ${start}.`, fromStart: true, confirm: null };
  return {
    label,
    title: `No checkpoint to resume from: trains again from ${start}, deleting what it logged.`,
    fromStart: true,
    confirm: `This run has no checkpoint, so it cannot resume. Restarting deletes the metrics and samples it logged up to step ${loggedStep} and trains it again from ${start}.`,
  };
}
