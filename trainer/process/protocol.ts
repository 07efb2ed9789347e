// The typed messages between the trainer process and its parent, validated with zod on receipt
// on both sides (a message that fails validation is a bug worth a clear error, not a silent drop).
import { z } from 'zod';
import { progressReportSchema } from '../../vocabulary/progress';
import { PHASES, SAMPLE_KINDS } from '../../vocabulary/runs';

const phase = z.enum(PHASES);
const finite = z.number();

export const phaseSummarySchema = z.object({
  greedyAccuracy: finite,
  sampledAccuracy: finite,
  medianGreedyLength: finite,
  sampledLongShare: finite,
});

export const experimentSummarySchema = z.object({
  ntp: phaseSummarySchema.nullable(),
  rl: phaseSummarySchema.nullable(),
});

// ---- parent -> child ----

export const startMessageSchema = z.object({
  type: z.literal('start'),
  runId: z.number().int(),
  dbPath: z.string().min(1),
  /** Validated again in the child (the config may come from a file or the UI). */
  config: z.unknown(),
  /** Cores this run may use (the queue's core budget); absent: all of the machine's. */
  workers: z.number().int().min(1).optional(),
});

export const parentToChildSchema = z.discriminatedUnion('type', [startMessageSchema, z.object({ type: z.literal('stop') })]);
export type StartMessage = z.infer<typeof startMessageSchema>;
export type ParentToChild = z.infer<typeof parentToChildSchema>;

// ---- child -> parent ----

export const startedMessageSchema = z.object({
  type: z.literal('started'),
  runId: z.number().int(),
  backend: z.object({ name: z.string(), version: z.string(), threads: z.number(), note: z.string() }),
  pid: z.number().int(),
});

export const progressMessageSchema = progressReportSchema.extend({
  type: z.literal('progress'),
  runId: z.number().int(),
});

export const sampleMessageSchema = z.object({
  type: z.literal('sample'),
  runId: z.number().int(),
  samples: z.array(
    z.object({
      phase,
      step: z.number().int(),
      kind: z.enum(SAMPLE_KINDS),
      prompt: z.string(),
      response: z.string(),
      correct: z.boolean(),
      length: z.number().int(),
    }),
  ),
});

export const checkpointMessageSchema = z.object({
  type: z.literal('checkpoint'),
  runId: z.number().int(),
  id: z.number().int(),
  phase,
  step: z.number().int(),
});

export const doneMessageSchema = z.object({
  type: z.literal('done'),
  runId: z.number().int(),
  status: z.enum(['completed', 'stopped']),
  summary: experimentSummarySchema,
  backend: z.string(),
  wallSeconds: z.number(),
});

export const failedMessageSchema = z.object({
  type: z.literal('failed'),
  runId: z.number().int(),
  reason: z.string(),
  /** True when the process died without reporting (crash, kill): the run is 'interrupted'. */
  interrupted: z.boolean().optional(),
});

export const childToParentSchema = z.discriminatedUnion('type', [
  startedMessageSchema,
  progressMessageSchema,
  sampleMessageSchema,
  checkpointMessageSchema,
  doneMessageSchema,
  failedMessageSchema,
]);

export type StartedMessage = z.infer<typeof startedMessageSchema>;
export type ProgressMessage = z.infer<typeof progressMessageSchema>;
export type SampleMessage = z.infer<typeof sampleMessageSchema>;
export type CheckpointMessage = z.infer<typeof checkpointMessageSchema>;
export type DoneMessage = z.infer<typeof doneMessageSchema>;
export type FailedMessage = z.infer<typeof failedMessageSchema>;
export type ChildToParent = z.infer<typeof childToParentSchema>;
/** How a trainer run ends, as the supervisor reports it. */
export type FinalMessage = DoneMessage | FailedMessage;

/** One line naming what was wrong with a message. */
export function describeIssues(err: z.ZodError): string {
  return err.issues.map((i) => `${i.path.join('.') || 'message'}: ${i.message}`).join('; ');
}
