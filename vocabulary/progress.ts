// What a running trainer reports after each step and the UI shows live, defined once: the
// trainer protocol's message, the API's `run/progress` event and the renderer's live state are
// this shape plus their own envelope fields.
import { z } from 'zod';
import { PHASES } from './runs';

export const progressReportSchema = z.object({
  phase: z.enum(PHASES),
  /** Steps done in this phase, of totalSteps. */
  step: z.number().int(),
  totalSteps: z.number().int(),
  /** Global optimizer step (RL continues after NTP). */
  globalStep: z.number().int(),
  samplesSeen: z.number(),
  stepsPerSecond: z.number(),
  /** Seconds left in this phase at the current rate. */
  etaSeconds: z.number().nullable(),
  /** Values logged at this step (metric key -> value). */
  metrics: z.record(z.string(), z.number()),
});

export type ProgressReport = z.infer<typeof progressReportSchema>;
