// The launch form is generated from the trainer's own zod schema (trainer/config.ts), so every
// knob the trainer accepts appears here, with enum choices taken from the schema itself.
import type { z } from 'zod';
import {
  evalSchema,
  experimentSchema,
  modelSchema,
  multiplicationTaskSchema,
  ntpSchema,
  parityTaskSchema,
  rlSchema,
  starSchema,
  type ExperimentConfig,
  type ExperimentConfigInput,
} from '../../../vocabulary/experiment-config';

export type FieldKind = 'number' | 'enum' | 'boolean' | 'text';

export interface FormField {
  path: string;
  label: string;
  kind: FieldKind;
  options?: string[];
  /** May be left empty (the trainer then picks its default). */
  optional: boolean;
  help?: string;
}

export interface FormSection {
  id: 'task' | 'model' | 'ntp' | 'rl' | 'eval' | 'run';
  title: string;
  fields: FormField[];
}

type AnySchema = z.core.$ZodType;

/** Strip default/optional/nullable/prefault wrappers; report whether the field may be empty. */
function unwrap(schema: AnySchema): { inner: AnySchema; optional: boolean } {
  let inner = schema;
  let optional = false;
  for (;;) {
    const def = inner._zod.def as { type: string; innerType?: AnySchema };
    if (!def.innerType) break;
    if (def.type === 'optional') optional = true;
    inner = def.innerType;
  }
  return { inner, optional };
}

function fieldOf(path: string, schema: AnySchema): FormField | null {
  const { inner, optional } = unwrap(schema);
  const def = inner._zod.def as { type: string; entries?: Record<string, string> };
  const label = LABELS[path] ?? humanize(path.split('.').pop()!);
  const help = HELP[path];
  switch (def.type) {
    case 'number':
      return { path, label, kind: 'number', optional, help };
    case 'enum':
      return { path, label, kind: 'enum', options: Object.values(def.entries ?? {}), optional, help };
    case 'boolean':
      return { path, label, kind: 'boolean', optional, help };
    case 'string':
      return { path, label, kind: 'text', optional, help };
    default:
      return null; // nested objects and unions get their own controls
  }
}

function objectFields(prefix: string, schema: AnySchema, skip: string[] = []): FormField[] {
  const { inner } = unwrap(schema);
  const shape = (inner._zod.def as { shape?: Record<string, AnySchema> }).shape ?? {};
  const fields: FormField[] = [];
  for (const [key, child] of Object.entries(shape)) {
    const path = `${prefix}.${key}`;
    if (skip.includes(key)) continue;
    const field = fieldOf(path, child);
    if (field) fields.push(field);
  }
  return fields;
}

export const TASK_KINDS = ['parity', 'multiplication'] as const;

export function formSections(config: Pick<ExperimentConfigInput, 'task' | 'rl'>): FormSection[] {
  const taskFields =
    config.task.kind === 'parity'
      ? objectFields('task', parityTaskSchema, ['kind', 'chain'])
      : objectFields('task', multiplicationTaskSchema, ['kind']);
  const top = experimentSchema.shape;
  return [
    { id: 'task', title: 'Task', fields: taskFields },
    { id: 'model', title: 'Model', fields: objectFields('model', modelSchema) },
    { id: 'ntp', title: 'NTP pre-training', fields: objectFields('ntp', ntpSchema) },
    { id: 'rl', title: 'RL post-training', fields: config.rl ? [...objectFields('rl', rlSchema, ['fromCheckpoint']), ...objectFields('rl.star', starSchema)] : [] },
    { id: 'eval', title: 'Evaluation', fields: objectFields('eval', evalSchema) },
    { id: 'run', title: 'Run', fields: [fieldOf('seed', top.seed), fieldOf('backend', top.backend), fieldOf('workers', top.workers)].filter((f): f is FormField => f != null) },
  ];
}

/** Every path the sweep builder may vary: all scalar knobs of the form plus the chain's leap. */
export function sweepablePaths(config: Pick<ExperimentConfigInput, 'task' | 'rl'>): FormField[] {
  return formSections(config).flatMap((s) => s.fields);
}

/** A full config with every default spelled out, for the form to show. */
export function withDefaults(input: ExperimentConfigInput): ExperimentConfig | null {
  const parsed = experimentSchema.safeParse(input);
  return parsed.success ? parsed.data : null;
}

/** RL defaults for the "add an RL phase" switch. */
export function defaultRl(): NonNullable<ExperimentConfig['rl']> {
  return rlSchema.parse({});
}

function humanize(key: string): string {
  const spaced = key.replace(/_/g, ' ').replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}

const LABELS: Record<string, string> = {
  'task.d': 'd (bits)',
  'task.p_cot': 'p_cot',
  'model.mlpRatio': 'MLP ratio',
  'ntp.lr': 'Learning rate',
  'rl.lr': 'Learning rate',
  'rl.klCoef': 'KL coefficient',
  'rl.clipEps': 'Clip ε',
  'eval.heldOut': 'Held-out prompts',
  'eval.maxNewTokens': 'Max new tokens',
  'rl.star.mode': 'STaR: rounds or one step',
  'rl.star.init': 'STaR: each round starts from',
  'rl.star.finetuneStepsMax': 'STaR: fine-tune steps per round (max)',
  'rl.star.batchSize': 'STaR: fine-tune batch',
  'rl.star.calibrationTolerance': 'STaR: calibration tolerance',
  'rl.star.calibrateEvery': 'STaR: check calibration every k steps',
  'rl.star.calibrationSamples': 'STaR: samples per calibration check',
};

const HELP: Record<string, string> = {
  'task.d': 'Input bits. d ≥ 20 keeps 2^d inputs out of reach of memorization.',
  'task.p_cot': 'Share of training examples with the full chain. Below 1/3 NTP alone stays at chance.',
  'task.digits': 'Digits of each factor.',
  'ntp.steps': 'Online steps; fresh examples every step. 0 skips NTP.',
  'ntp.evalEvery': 'Evaluate every k steps (0 = at the end only).',
  'ntp.checkpointEvery': 'Checkpoint every k steps, to branch RL from (0 = at the end only).',
  'ntp.gradClip': 'Global gradient-norm clip; 0 turns it off.',
  'rl.algorithm': 'STaR fine-tunes on correct samples; GRPO normalizes rewards within each prompt group.',
  'rl.reward': 'end-to-end: final answer right. chain: every chain token right.',
  'rl.temperature': 'Rollout temperature (the paper uses 0.75, 1.0, 1.5).',
  'rl.groupSize': 'Responses per prompt.',
  'rl.epochs': 'Updates per batch of rollouts; with 1 the GRPO ratio is exactly 1.',
  'rl.klCoef': 'Penalty weight of the KL to the start model (logged either way).',
  'rl.star.mode': 'rounds: each RL step samples, keeps the correct and fine-tunes until calibrated (the paper’s STaR). one-step: one gradient step per RL step.',
  'rl.star.init': 'continue: from the current model. start: from the RL start model, as the original STaR.',
  'rl.star.calibrationTolerance': 'A round ends when the sampled long share is this close to the kept one.',
  'eval.maxNewTokens': 'Empty: the longest response + 1.',
  'eval.samplesToLog': 'Generations stored per evaluation, shown in the live view.',
  backend: 'auto picks tensorflow-gpu, tensorflow, wasm, cpu: the first that loads.',
};

/** Turns the text of an input into the value the config holds. */
export function parseFieldInput(field: FormField, text: string): unknown {
  if (field.kind === 'number') {
    if (text.trim() === '') return field.optional ? undefined : null;
    const n = Number(text);
    return Number.isNaN(n) ? text : n;
  }
  if (field.kind === 'boolean') return text === 'true';
  return text;
}
