// The experiment config: one zod schema (task, model, ntp, rl, eval, seed, backend), defaults for all
// but the essentials, field-level errors with dotted paths, and a refusal of sizes this machine
// cannot hold. Pure (no Node imports) so the renderer can validate its launch form with it too.
import { z } from 'zod';

// ---- field helpers: every message names the dotted path and the offending value ----

function show(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v) : String(JSON.stringify(v) ?? v);
}

/** A number in [lo, hi] (an integer when `int`); the message reads "must be in [0,1], got 1.5". */
function ranged(lo: number, hi: number, int = false) {
  return z.number().superRefine((v, ctx) => {
    if (!Number.isFinite(v)) ctx.addIssue({ code: 'custom', message: `must be a finite number, got ${v}` });
    else if (int && !Number.isInteger(v)) ctx.addIssue({ code: 'custom', message: `must be an integer, got ${v}` });
    else if (v < lo || v > hi) ctx.addIssue({ code: 'custom', message: `must be in [${lo},${hi}], got ${v}` });
  });
}
const int = (lo: number, hi: number) => ranged(lo, hi, true);

// ---- the schema ----

export const chainSchema = z.union([
  z.literal('full'),
  z.strictObject({ leap: int(2, 64) }),
]);

export const parityTaskSchema = z.strictObject({
  kind: z.literal('parity'),
  /** Number of input bits. */
  d: int(2, 256),
  /** Probability that a training example carries the chain of prefix parities. */
  p_cot: ranged(0, 1),
  /** 'full' keeps every prefix parity; {leap: k} keeps every k-th (and always the last). */
  chain: chainSchema.default('full'),
});

export const multiplicationTaskSchema = z.strictObject({
  kind: z.literal('multiplication'),
  /** Digits of each factor (both n-digit numbers, leading zeros allowed). */
  digits: int(1, 8),
  p_cot: ranged(0, 1),
});

export const TASK_KINDS = ['parity', 'multiplication'] as const;
export const taskSchema = z.discriminatedUnion('kind', [parityTaskSchema, multiplicationTaskSchema]);

export const modelSchema = z.strictObject({
  layers: int(1, 48).default(2),
  heads: int(1, 64).default(4),
  width: int(4, 4096).default(128),
  mlpRatio: int(1, 16).default(4),
});

export const ntpSchema = z.strictObject({
  steps: int(0, 10_000_000).default(300),
  batchSize: int(1, 65_536).default(64),
  lr: ranged(0, 10).default(1e-3),
  warmupSteps: int(0, 10_000_000).default(20),
  schedule: z.enum(['constant', 'cosine']).default('constant'),
  weightDecay: ranged(0, 10).default(0.01),
  /** Clip the global gradient norm to this; 0 turns clipping off. */
  gradClip: ranged(0, 1e6).default(1),
  /** Evaluate on the held-out set every k steps (and at the end); 0 = only at the end. */
  evalEvery: int(0, 10_000_000).default(50),
  /** Save a checkpoint every k steps (and at the end); 0 = only at the end. */
  checkpointEvery: int(0, 10_000_000).default(0),
});

export const checkpointRefSchema = z.strictObject({
  runId: z.number().int().min(0),
  checkpointId: z.number().int().min(0),
});

/**
 * STaR as the paper means it: each RL step is one round (sample, keep the correct, fine-tune with
 * the NTP loss until the model's sampled long share matches the kept one); with the end-to-end
 * reward the long share then follows p -> 2p/(1+p) per round. A round evaluates after it, always.
 */
export const starSchema = z.strictObject({
  /** 'rounds': the paper's STaR; 'one-step': one gradient step on the correct rollouts per RL step (the earlier approximation). */
  mode: z.enum(['rounds', 'one-step']).default('rounds'),
  /** Where each round's fine-tune starts: 'continue' from the current model, or 'start' from the RL start model (the original STaR). */
  init: z.enum(['continue', 'start']).default('continue'),
  /** Fine-tune steps of a round at most (the round ends earlier once calibrated). */
  finetuneStepsMax: int(1, 1_000_000).default(100),
  /** Kept responses per fine-tune step (drawn in shuffled passes over the kept set). */
  batchSize: int(1, 65_536).default(64),
  /** Calibrated when |sampled long share - kept long share| <= this (sampled at temperature 1 on the held-out prompts). */
  calibrationTolerance: ranged(0, 1).default(0.03),
  /** Measure the sampled long share every k fine-tune steps (and after the last). */
  calibrateEvery: int(1, 1_000_000).default(5),
  /** Samples of that measurement (the held-out prompts, repeated): 512 puts its noise near 0.02. */
  calibrationSamples: int(1, 65_536).default(512),
});

export const rlSchema = z.strictObject({
  steps: int(0, 10_000_000).default(100),
  algorithm: z.enum(['star', 'reinforce', 'grpo']).default('grpo'),
  reward: z.enum(['end-to-end', 'chain']).default('end-to-end'),
  /** Sampling temperature of the rollouts (the paper uses 0.75, 1.0, 1.5). */
  temperature: ranged(0.01, 10).default(1),
  /** Responses per prompt (GRPO normalizes within this group). */
  groupSize: int(1, 1024).default(8),
  promptsPerStep: int(1, 65_536).default(16),
  lr: ranged(0, 10).default(1e-4),
  /** Gradient updates per batch of rollouts; with 1 the GRPO ratio is exactly 1 (nothing to clip). */
  epochs: int(1, 64).default(1),
  clipEps: ranged(0, 10).default(0.2),
  /** Weight of the KL penalty to the start model; the KL is measured (and logged) either way. */
  klCoef: ranged(0, 100).default(0),
  gradClip: ranged(0, 1e6).default(1),
  /** Evaluate on the held-out set every k RL steps (and at the end); 0 = only at the end. */
  evalEvery: int(0, 10_000_000).default(5),
  checkpointEvery: int(0, 10_000_000).default(0),
  /** Start from a stored checkpoint instead of this run's NTP phase (requires ntp.steps = 0). */
  fromCheckpoint: checkpointRefSchema.optional(),
  /** How algorithm 'star' runs; with mode 'rounds', `steps` counts rounds and a round's rollouts are promptsPerStep x groupSize. */
  star: starSchema.prefault({}),
});

export const evalSchema = z.strictObject({
  /** Size of the held-out prompt set (fixed per seed). */
  heldOut: int(1, 100_000).default(256),
  /** Length cap of generated responses; default: the task's longest response + 1. */
  maxNewTokens: int(1, 4096).optional(),
  sampleTemperature: ranged(0.01, 10).default(1),
  /** How many greedy/sampled generations to store as samples per evaluation. */
  samplesToLog: int(0, 1000).default(8),
});

/** 'webgpu' is TF.js on Dawn; named, it also takes a software adapter, which 'auto' never picks. */
export const BACKENDS = ['auto', 'tensorflow-gpu', 'webgpu', 'tensorflow', 'wasm', 'cpu'] as const;
export type BackendPref = (typeof BACKENDS)[number];

export const experimentSchema = z.strictObject({
  name: z.string().max(200).optional(),
  task: taskSchema,
  model: modelSchema.prefault({}),
  ntp: ntpSchema.prefault({}),
  rl: rlSchema.nullable().default(null),
  eval: evalSchema.prefault({}),
  seed: int(0, 2 ** 31 - 1).default(0),
  backend: z.enum(BACKENDS).default('auto'),
  /** Data-parallel replicas (threads) for this run; 0 = auto: every core the run's core budget gives it. */
  workers: int(0, 256).default(0),
});

export type ExperimentConfig = z.infer<typeof experimentSchema>;
/** What a user may write: everything with a default is optional. */
export type ExperimentConfigInput = z.input<typeof experimentSchema>;
export type TaskConfig = ExperimentConfig['task'];
export type ParityTaskConfig = z.infer<typeof parityTaskSchema>;
export type MultiplicationTaskConfig = z.infer<typeof multiplicationTaskSchema>;
export type ModelSection = ExperimentConfig['model'];
export type NtpConfig = ExperimentConfig['ntp'];
export type RlConfig = NonNullable<ExperimentConfig['rl']>;
export type EvalConfig = ExperimentConfig['eval'];
export type StarConfig = RlConfig['star'];

// ---- task shapes needed before a task object exists (memory estimate, length caps) ----

/** Tokens of the longest response before EOS. */
export function longestResponse(task: TaskConfig): number {
  if (task.kind === 'parity') return task.chain === 'full' ? task.d : Math.ceil(task.d / task.chain.leap);
  // multiplication (trainer/tasks/multiplication.ts): 2n-1 numbers of 2n digits, 2n-2 separators;
  // for n = 1, `P0 = S0`
  const n = task.digits;
  return n === 1 ? 5 : (2 * n - 1) * 2 * n + 2 * n - 2;
}

export function promptLength(task: TaskConfig): number {
  return task.kind === 'parity' ? task.d + 1 : 2 * task.digits + 2;
}

/** Length cap of generated responses (tokens before EOS that may be produced). */
export function responseCap(config: Pick<ExperimentConfig, 'task' | 'eval'>): number {
  return config.eval.maxNewTokens ?? longestResponse(config.task) + 1;
}

/** Positions the model must cover: prompt plus a capped response (the last token is never fed back). */
export function blockSizeFor(config: Pick<ExperimentConfig, 'task' | 'eval'>): number {
  return promptLength(config.task) + responseCap(config);
}

export function vocabSizeFor(task: TaskConfig): number {
  return task.kind === 'parity' ? 4 : 14;
}

// ---- memory estimate ----

export interface MemoryEstimate {
  params: number;
  bytes: number;
}

const MEMORY_LIMIT_BYTES = 8 * 1024 ** 3;

/** Rough peak of a training step: weights + grads + two Adam moments, plus the activations kept
 * for backprop (per layer: ~(10 + 2*mlpRatio) floats per token and width, plus attention maps). */
export function estimateMemory(config: ExperimentConfig): MemoryEstimate {
  const { layers: L, heads: H, width: W, mlpRatio: R } = config.model;
  const T = blockSizeFor(config);
  const V = vocabSizeFor(config.task);
  const params = L * (4 * W * W + 2 * R * W * W + (9 + R) * W) + (V + T) * W + 2 * W;
  const rollouts = config.rl ? config.rl.groupSize * config.rl.promptsPerStep : 0;
  // STaR in rounds back-propagates through its fine-tuning batch only; its rollouts are sampled
  // without gradients (KV cache and logits per row). Policy-gradient steps back-propagate through every rollout.
  const rounds = config.rl?.algorithm === 'star' && config.rl.star.mode === 'rounds';
  const rlBatch = !config.rl ? 0 : rounds ? config.rl.star.batchSize : Math.max(rollouts, config.rl.algorithm === 'star' ? config.rl.star.batchSize : 0);
  const B = Math.max(config.ntp.batchSize, rlBatch, config.eval.heldOut);
  const sampling = rounds ? rollouts * T * (2 * L * W + V) : 0;
  const activations = Math.max(B * T * (L * ((10 + 2 * R) * W + 3 * H * T) + 4 * V + 2 * W), sampling);
  // RL keeps a frozen copy of the start model (for the KL), hence the extra weights.
  const bytes = 4 * (params * (config.rl ? 5 : 4) + activations);
  return { params, bytes };
}

function gib(bytes: number): string {
  return `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
}

// ---- validation ----

export interface ConfigError {
  path: string;
  message: string;
}
export type ValidationResult = { ok: true; config: ExperimentConfig } | { ok: false; errors: ConfigError[] };

function issueMessage(path: string, issue: z.core.$ZodIssue, input: unknown): string {
  const where = path || 'config';
  switch (issue.code) {
    case 'custom':
      return `${where} ${issue.message}`;
    case 'unrecognized_keys':
      return `${where} has unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}`;
    case 'invalid_type': {
      const got = valueAt(input, issue.path);
      return got === undefined
        ? `${where} is required (${issue.expected})`
        : `${where} must be a ${issue.expected}, got ${show(got)}`;
    }
    case 'invalid_value':
      return `${where} must be one of ${issue.values.map((v) => show(v)).join(', ')}, got ${show(valueAt(input, issue.path))}`;
    case 'invalid_union':
      if (path === 'task.kind') {
        return `${where} must be one of ${TASK_KINDS.map((k) => show(k)).join(', ')}, got ${show(valueAt(input, issue.path))}`;
      }
      return `${where} is not valid, got ${show(valueAt(input, issue.path))}`;
    default:
      return `${where} ${issue.message}`;
  }
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = input;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

/** A check that spans fields, with the paths it reads (skipped while one of them has its own error). */
interface CrossError extends ConfigError {
  reads: string[];
}

/** The config's sections that parsed; a section absent here failed on its own. */
type Sections = Partial<ExperimentConfig>;

/** Checks that span fields (heads divide width, GRPO needs groups, ...) and the memory limit. */
function crossChecks(c: Sections): CrossError[] {
  const errors: CrossError[] = [];
  const add = (path: string, reads: string[], message: string) => errors.push({ path, reads, message: `${path} ${message}` });
  const { task, model, ntp, rl } = c;
  if (model && model.width % model.heads !== 0) {
    add('model.heads', ['model.heads', 'model.width'], `must divide model.width (${model.width}), got ${model.heads}`);
  }
  if (task?.kind === 'parity' && task.chain !== 'full' && task.chain.leap >= task.d) {
    add('task.chain.leap', ['task.chain', 'task.d'], `must be below task.d (${task.d}), got ${task.chain.leap}`);
  }
  if (rl) {
    if (rl.algorithm === 'grpo' && rl.groupSize < 2) {
      add('rl.groupSize', ['rl.algorithm', 'rl.groupSize'], `must be at least 2 for GRPO (advantages are normalized within a group), got ${rl.groupSize}`);
    }
    if (ntp && rl.fromCheckpoint && ntp.steps > 0) {
      add('ntp.steps', ['rl.fromCheckpoint', 'ntp.steps'], `must be 0 when rl.fromCheckpoint is set (RL starts from the stored checkpoint), got ${ntp.steps}`);
    }
  }
  if (ntp && rl === null && ntp.steps === 0) {
    add('ntp.steps', ['ntp.steps', 'rl'], 'must be positive when there is no RL phase, got 0');
  }
  const whole = experimentSchema.safeParse(c);
  const mem = whole.success ? estimateMemory(whole.data) : null;
  if (mem && mem.bytes > MEMORY_LIMIT_BYTES) {
    errors.push({
      path: 'model',
      reads: ['model', 'task', 'ntp', 'rl', 'eval'],
      message: `model and batch sizes are too large: a training step would need about ${gib(mem.bytes)} (${(mem.params / 1e6).toFixed(1)}M parameters), more than the ${gib(MEMORY_LIMIT_BYTES)} limit; reduce model.width, model.layers, the batch sizes or task length`,
    });
  }
  return errors;
}

/** A copy of `input` without the values zod refused, so their defaults stand in. */
function withoutRefused(input: Record<PropertyKey, unknown>, issues: readonly z.core.$ZodIssue[]): Record<PropertyKey, unknown> {
  // JSON, not structuredClone: the launch form's config is a Svelte state proxy, which cannot be cloned.
  const copy = JSON.parse(JSON.stringify(input)) as Record<PropertyKey, unknown>;
  for (const issue of issues) {
    const unknownKeys = issue.code === 'unrecognized_keys';
    const parent = valueAt(copy, unknownKeys ? issue.path : issue.path.slice(0, -1));
    if (parent === null || typeof parent !== 'object' || (!unknownKeys && issue.path.length === 0)) continue;
    for (const name of unknownKeys ? issue.keys : [issue.path[issue.path.length - 1]!]) delete (parent as Record<PropertyKey, unknown>)[name];
  }
  return copy;
}

/** Each section parsed on its own, so one refused field does not hide the checks of the others. */
function parseSections(input: Record<PropertyKey, unknown>): Sections {
  const sections: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(experimentSchema.shape)) {
    const r = (schema as z.ZodType).safeParse(input[key]);
    if (r.success) sections[key] = r.data;
  }
  return sections as Sections;
}

const overlaps = (a: string, b: string) => a === b || a.startsWith(`${b}.`) || b.startsWith(`${a}.`);

export function validateConfig(input: unknown): ValidationResult {
  const parsed = experimentSchema.safeParse(input);
  if (parsed.success) {
    const errors = crossChecks(parsed.data).map(({ path, message }) => ({ path, message }));
    return errors.length ? { ok: false, errors } : { ok: true, config: parsed.data };
  }
  const errors: ConfigError[] = parsed.error.issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    return { path, message: issueMessage(path, issue, input) };
  });
  // Report the cross-field errors too, all at once: run them on the sections that parse once the
  // refused values are dropped, keeping only those that read none of the refused fields.
  if (input !== null && typeof input === 'object' && !Array.isArray(input)) {
    // An unknown key refuses only itself, not the section that holds it.
    const refused = parsed.error.issues.flatMap((issue) => {
      const at = issue.path.map(String);
      return issue.code === 'unrecognized_keys' ? issue.keys.map((k) => [...at, k].join('.')) : [at.join('.')];
    });
    for (const e of crossChecks(parseSections(withoutRefused(input as Record<PropertyKey, unknown>, parsed.error.issues)))) {
      if (!e.reads.some((r) => refused.some((p) => p === '' || overlaps(r, p)))) errors.push({ path: e.path, message: e.message });
    }
  }
  return { ok: false, errors };
}

/** Like validateConfig but throws one Error listing every field error. */
export function parseConfig(input: unknown): ExperimentConfig {
  const r = validateConfig(input);
  if (!r.ok) throw new Error(`invalid config:\n  ${r.errors.map((e) => e.message).join('\n  ')}`);
  return r.config;
}

// ---- group key ----

function stableStringify(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map(stableStringify).join(',')}]`;
  const entries = Object.entries(v as Record<string, unknown>)
    .filter(([, x]) => x !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${stableStringify(x)}`).join(',')}}`;
}

/** cyrb53: a 53-bit string hash, pure JS (the renderer uses this module too). */
function cyrb53(text: string, seed = 0): string {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(16).padStart(14, '0');
}

/**
 * Runs that differ only by seed (and name, and the backend that ran them) share a group key.
 * Hashes the validated config, so spelled-out defaults and omitted ones give the same key.
 * A run branched from a checkpoint keeps only that checkpoint's step: its parent differs per
 * seed, yet RL from early and from late checkpoints must stay apart.
 */
export function groupKey(config: ExperimentConfig, checkpointStep: number | null = null): string {
  const { seed: _seed, name: _name, backend: _backend, ...rest } = config;
  if (rest.rl?.fromCheckpoint) rest.rl = { ...rest.rl, fromCheckpoint: { runId: 0, checkpointId: checkpointStep ?? -1 } };
  // rl.star shapes only STaR runs: other algorithms keep the keys they had before it existed
  const hashed: Record<string, unknown> = rest;
  if (rest.rl && rest.rl.algorithm !== 'star') {
    const { star: _star, ...rl } = rest.rl;
    hashed.rl = rl;
  }
  return cyrb53(stableStringify(hashed));
}
