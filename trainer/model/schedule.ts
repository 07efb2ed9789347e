// The learning-rate schedule: linear warmup, then constant or cosine decay to a tenth of the peak.

export interface LrSchedule {
  lr: number;
  warmupSteps: number;
  schedule: 'constant' | 'cosine';
  /** Total steps of the phase (the cosine reaches its floor here). */
  steps: number;
}

/** Learning rate for 0-based step `step`. Pure. */
export function getLr(step: number, s: LrSchedule): number {
  if (step < s.warmupSteps) return (s.lr * (step + 1)) / s.warmupSteps;
  if (s.schedule === 'constant') return s.lr;
  const minLr = s.lr / 10;
  const span = Math.max(1, s.steps - s.warmupSteps);
  const progress = Math.min(1, (step - s.warmupSteps) / span);
  return minLr + 0.5 * (1 + Math.cos(Math.PI * progress)) * (s.lr - minLr);
}
