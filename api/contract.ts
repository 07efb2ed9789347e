// The one API between the UI and the backend. Every transport (Electron IPC, the browser-mode
// HTTP server) and every client is derived from this object, so a method exists everywhere or
// nowhere. Inputs are zod schemas, checked where they cross a process boundary; outputs are
// types only, since they come from our own backend.
import { z } from 'zod';
import type {
  BackendAvailability,
  CheckpointSummary,
  ConfigCheck,
  ExportFile,
  GroupSeries,
  MetricSeries,
  Preset,
  QueueState,
  RunDetail,
  RunSummary,
  SampleView,
  SystemInfo,
} from './types';
import type { RunMetricPoint } from '../vocabulary/charts/hyperparam';

const runId = z.number().int().positive();
const runIds = z.array(runId).max(10_000);
const metricKeys = z.array(z.string().min(1).max(100)).min(1).max(64);
const xAxis = z.enum(['step', 'samples', 'wall']);
const runStatus = z.enum(['queued', 'running', 'completed', 'stopped', 'failed', 'interrupted']);

/** A config arrives as untrusted JSON; its own schema (trainer/config.ts) checks it field by field. */
const configInput = z.unknown();

const sweepAxis = z.object({
  path: z.string().min(1).max(100),
  values: z.array(z.union([z.number(), z.string(), z.boolean()])).min(1).max(100),
});

const configPath = z.string().max(100).regex(/^[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)*$/, 'a dotted config path such as task.p_cot');
const hyperparamQuery = z.object({
  metric: z.string().min(1).max(100),
  x: configPath.min(1),
  /** A config path, `phase` (after NTP vs after RL), or '' for one line. */
  lineBy: z.union([configPath, z.literal('')]),
  at: z.enum(['end', 'best', 'step']),
  step: z.number().int().min(0).nullable(),
  bars: z.enum(['minmax', 'std']),
});

/** A method: its input schema and (as a phantom type) its output. */
interface Method<I extends z.ZodType, O> {
  input: I;
  output?: O;
}
function method<O>() {
  return <I extends z.ZodType>(input: I): Method<I, O> => ({ input });
}

export const contract = {
  'system/info': method<SystemInfo>()(z.object({})),
  'system/backends': method<BackendAvailability[]>()(z.object({})),

  'presets/list': method<Preset[]>()(z.object({})),
  'config/validate': method<ConfigCheck>()(z.object({ config: configInput })),

  'runs/list': method<RunSummary[]>()(
    z.object({
      status: z.array(runStatus).optional(),
      tags: z.array(z.string().max(100)).optional(),
      text: z.string().max(200).optional(),
      limit: z.number().int().positive().max(100_000).optional(),
    }),
  ),
  'runs/get': method<RunDetail>()(z.object({ id: runId })),
  'runs/start': method<{ runIds: number[] }>()(
    z.object({
      config: configInput,
      name: z.string().max(200).optional(),
      tags: z.array(z.string().max(100)).max(50).optional(),
      /** A cross product over these dotted config paths queues one run per combination. */
      sweep: z.array(sweepAxis).max(8).optional(),
    }),
  ),
  'runs/branch': method<{ runIds: number[] }>()(
    z.object({
      checkpointId: z.number().int().positive(),
      /** RL settings and other overrides, as dotted-path values on the parent's config. */
      overrides: z.record(z.string(), z.union([z.number(), z.string(), z.boolean(), z.null()])),
      name: z.string().max(200).optional(),
    }),
  ),
  'runs/stop': method<{ stopped: boolean }>()(z.object({ id: runId })),
  /** Re-queues an interrupted, stopped or failed run from its last checkpoint (from the start without one). */
  'runs/resume': method<{ runIds: number[]; fromStep: number | null }>()(z.object({ id: runId })),
  'runs/update': method<RunSummary>()(
    z.object({
      id: runId,
      name: z.string().min(1).max(200).optional(),
      tags: z.array(z.string().max(100)).max(50).optional(),
      notes: z.string().max(20_000).optional(),
    }),
  ),
  'runs/delete': method<{ deleted: number }>()(z.object({ ids: runIds })),
  'runs/checkpoints': method<CheckpointSummary[]>()(z.object({ id: runId })),
  'runs/samples': method<SampleView[]>()(
    z.object({ id: runId, limit: z.number().int().positive().max(1000).optional() }),
  ),

  'metrics/keys': method<string[]>()(z.object({ runIds })),
  'metrics/series': method<MetricSeries[]>()(
    z.object({ runIds, keys: metricKeys, maxPoints: z.number().int().min(10).max(20_000), x: xAxis.optional() }),
  ),
  'metrics/groupSeries': method<GroupSeries[]>()(
    z.object({ runIds, keys: metricKeys, maxPoints: z.number().int().min(10).max(20_000) }),
  ),

  /** One metric per run at the end, best, end of each phase and (optionally) a step: the metric-vs-hyperparameter figure. */
  'metrics/points': method<RunMetricPoint[]>()(
    z.object({ runIds, key: z.string().min(1).max(100), step: z.number().int().min(0).optional() }),
  ),

  'queue/get': method<QueueState>()(z.object({})),
  'queue/setConcurrency': method<QueueState>()(z.object({ concurrency: z.number().int().min(1).max(16) })),
  'queue/move': method<QueueState>()(z.object({ id: runId, toIndex: z.number().int().min(0) })),
  'queue/cancel': method<QueueState>()(z.object({ id: runId })),

  'export/runs': method<ExportFile>()(
    z.object({ ids: runIds, format: z.enum(['json', 'csv']), checkpoints: z.boolean().optional() }),
  ),
  /** The current page as PDF: the desktop app prints it (printToPDF); browser mode uses the browser's print dialog. */
  'export/pdf': method<ExportFile>()(z.object({ title: z.string().max(200).optional() })),
  'export/report': method<ExportFile>()(
    z.object({
      ids: runIds,
      keys: z.array(z.string().min(1).max(100)).max(16).optional(),
      title: z.string().max(200).optional(),
      /** Adds a metric-versus-hyperparameter figure of these runs. */
      hyperparam: hyperparamQuery.optional(),
    }),
  ),
} as const;

export type Contract = typeof contract;
export type MethodName = keyof Contract;
export type Input<M extends MethodName> = z.input<Contract[M]['input']>;
export type ParsedInput<M extends MethodName> = z.output<Contract[M]['input']>;
export type Output<M extends MethodName> = NonNullable<Contract[M]['output']>;

export const METHOD_NAMES = Object.keys(contract) as MethodName[];

export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(contract, name);
}

/** Every reply on every transport has this shape, so errors keep their structure across IPC. */
export type Reply<T> = { ok: true; data: T } | { ok: false; error: ApiErrorBody };

export interface FieldError {
  /** Dotted path into the input, e.g. `task.p_cot`. */
  path: string;
  message: string;
}

export interface ApiErrorBody {
  code: 'bad-request' | 'not-found' | 'invalid-config' | 'conflict' | 'internal' | 'unavailable';
  message: string;
  fieldErrors?: FieldError[];
}

export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorBody['code'],
    message: string,
    readonly fieldErrors?: FieldError[],
  ) {
    super(message);
    this.name = 'ApiError';
  }

  toBody(): ApiErrorBody {
    return { code: this.code, message: this.message, ...(this.fieldErrors ? { fieldErrors: this.fieldErrors } : {}) };
  }
}

/** Parse a method's input; a failure becomes a `bad-request` with one entry per bad field. */
export function parseInput<M extends MethodName>(name: M, input: unknown): ParsedInput<M> {
  const result = contract[name].input.safeParse(input ?? {});
  if (result.success) return result.data as ParsedInput<M>;
  const fieldErrors = result.error.issues.map((issue) => ({
    path: issue.path.map(String).join('.') || '(input)',
    message: issue.message,
  }));
  throw new ApiError(
    'bad-request',
    `${name}: ${fieldErrors.map((e) => `${e.path}: ${e.message}`).join('; ')}`,
    fieldErrors,
  );
}

/** Turn anything thrown by a handler into a reply body without leaking stack traces. */
export function toErrorBody(err: unknown): ApiErrorBody {
  if (err instanceof ApiError) return err.toBody();
  const message = err instanceof Error ? err.message : String(err);
  return { code: 'internal', message };
}
