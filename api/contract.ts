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
  FieldError,
  GraphProgress,
  GraphRunRef,
  GroupSeries,
  MetricSeries,
  Preset,
  QueueState,
  RunDetail,
  RunSummary,
  SampleView,
  SlurmCollectResult,
  SlurmJobView,
  StoreCheckReport,
  StoredRunSummary,
  SystemInfo,
} from './types';
import { RUN_STATUSES } from '../vocabulary/runs';

export type { FieldError };
import type { RunMetricPoint } from '../vocabulary/charts/hyperparam';

const runId = z.number().int().positive();
const runIds = z.array(runId).max(10_000);
/** `workbench export --runs all` of a large store: the runs list's own bound, not a view's. */
const exportIds = z.array(runId).max(100_000);
const metricKeys = z.array(z.string().min(1).max(100)).min(1).max(64);
const xAxis = z.enum(['step', 'samples', 'wall']);
const runStatus = z.enum(RUN_STATUSES);

/** A config arrives as untrusted JSON; its own schema (trainer/config.ts) checks it field by field. */
const configInput = z.unknown();

/** `task.p_cot`: names of letters, digits and `_`, joined by single dots. */
const configPath = z
  .string()
  .max(100)
  .regex(/^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*$/, 'a config path is names joined by dots, like task.p_cot');

const sweepAxis = z.object({
  path: configPath,
  values: z.array(z.union([z.number(), z.string(), z.boolean()])).min(1).max(100),
});

const runFilter = z.object({
  status: z.array(runStatus).optional(),
  tags: z.array(z.string().max(100)).optional(),
  text: z.string().max(200).optional(),
  limit: z.number().int().positive().max(100_000).optional(),
});

/**
 * A Slurm job folder: `job`, a folder name under the jobs folder beside the store (what the app
 * lists), or `dir`, a path anywhere (what the CLI is given).
 */
/** Sizes only: the rules of each option are vocabulary/slurm-options.ts's, checked by the handler with field errors. */
const slurmSubmitOptions = z.object({
  partition: z.string().max(100).optional(),
  time: z.string().max(30).optional(),
  cpusPerTask: z.number().int().min(1).max(4096).optional(),
  gpus: z.string().max(50).optional(),
  account: z.string().max(100).optional(),
  extra: z.array(z.string().max(200)).max(20).optional(),
});

const slurmJobFields = z.object({
  job: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'a job folder name').max(200).optional(),
  dir: z.string().min(1).max(4096).optional(),
});
const oneJob = (j: { job?: string; dir?: string }) => (j.job === undefined) !== (j.dir === undefined);
const slurmJob = slurmJobFields.refine(oneJob, { message: 'give exactly one of job or dir', path: ['job'] });

/** The most runs one submitted run graph may hold (a full study is tens). */
export const MAX_GRAPH_RUNS = 5000;

const graphKey = z.string().min(1).max(300);
const plannedRun = z.object({
  key: graphKey,
  name: z.string().min(1).max(200),
  /** Complete config; a branch's `rl.fromCheckpoint` is filled in once its parent's checkpoint exists. */
  config: configInput,
  tags: z.array(z.string().max(100)).max(50),
  branch: z.object({ from: graphKey, phase: z.literal('ntp'), step: z.number().int().min(0) }).nullable(),
});
const graphId = z.number().int().positive();
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

  'runs/list': method<RunSummary[]>()(runFilter),
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
      overrides: z.record(configPath, z.union([z.number(), z.string(), z.boolean(), z.null()])),
      name: z.string().max(200).optional(),
    }),
  ),
  'runs/stop': method<{ stopped: boolean }>()(z.object({ id: runId })),
  /**
   * Re-queues an interrupted, stopped or failed run from its last checkpoint (what was logged after
   * it is dropped). A run without a checkpoint is refused unless `fromStart`; `fromStart` restarts
   * from step 0 and drops everything the run logged, so no rows go without the caller asking.
   */
  'runs/resume': method<{ runIds: number[]; fromStep: number | null }>()(z.object({ id: runId, fromStart: z.boolean().optional() })),
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
    z.object({
      id: runId,
      limit: z.number().int().positive().max(1000).optional(),
      /** Only the samples logged at this step (an evaluation, or an RL step's rollouts). */
      step: z.number().int().min(0).optional(),
    }),
  ),
  /** The steps that logged samples, newest first: what the samples browser offers. */
  'runs/sampleSteps': method<number[]>()(z.object({ id: runId })),
  /** Every run id of the store, ascending (what `--runs all` and id ranges are matched against). */
  'runs/ids': method<number[]>()(z.object({})),
  /** The store's own run records, unabridged (every field, each key's summary): `workbench list --json`. */
  'runs/records': method<StoredRunSummary[]>()(runFilter),
  /**
   * Adds exported runs under new ids (parent links between them kept): a JSON bundle, or a
   * long-format metrics CSV with its optional per-run table. Checked whole before anything is
   * written; `checkOnly` checks and writes nothing (a session that opened no store can do that).
   */
  'runs/import': method<{ imported: { from: number; to: number }[] }>()(
    z
      .object({
        /** The file it came from, named in every error. */
        source: z.string().min(1).max(4096),
        bundle: z.unknown().optional(),
        csv: z.object({ text: z.string(), runsText: z.string().nullable(), runsFile: z.string().max(4096) }).optional(),
        checkOnly: z.boolean().optional(),
      })
      .refine((i) => (i.bundle === undefined) !== (i.csv === undefined), { message: 'give exactly one of bundle or csv', path: ['bundle'] }),
  ),

  /** SQLite's full integrity check and the workbench's own (orphaned rows, dead running runs, crashed imports); changes nothing. */
  'store/check': method<StoreCheckReport>()(z.object({})),

  'metrics/keys': method<string[]>()(z.object({ runIds })),
  'metrics/series': method<MetricSeries[]>()(
    z.object({ runIds, keys: metricKeys, maxPoints: z.number().int().min(10).max(20_000), x: xAxis.optional() }),
  ),
  'metrics/groupSeries': method<GroupSeries[]>()(
    z.object({ runIds, keys: metricKeys, maxPoints: z.number().int().min(10).max(20_000) }),
  ),

  /** Submits a run (or a sweep's cross product) to Slurm: a job folder beside the store, sbatch. */
  'slurm/submit': method<{ job: string; jobIds: string[]; tasks: number }>()(
    z.object({
      config: configInput,
      name: z.string().max(200).optional(),
      tags: z.array(z.string().max(100)).max(50).optional(),
      sweep: z.array(sweepAxis).max(8).optional(),
      options: slurmSubmitOptions.optional(),
    }),
  ),
  /**
   * Submits a run graph (a study or sweep the caller planned) to Slurm: its job folder at `dir`
   * (default: a new folder in the jobs folder beside the store), sbatch. What `--slurm` on the CLI uses.
   */
  'slurm/submitGraph': method<{ dir: string; jobIds: string[]; tasks: number }>()(
    z.object({
      runs: z.array(plannedRun).min(1).max(MAX_GRAPH_RUNS),
      name: z.string().min(1).max(200),
      dir: z.string().min(1).max(4096).optional(),
      options: slurmSubmitOptions.optional(),
    }),
  ),
  /**
   * On a node, before an RL branch task trains: copies its parent run and the checkpoint it starts
   * from out of the parent task's store into the task's own (`workbench slurm prepare`).
   */
  'slurm/prepareTask': method<{ parentRunId: number; checkpointId: number }>()(
    z.object({ dir: z.string().min(1).max(4096), task: z.string().min(1).max(4096) }),
  ),
  /** Job folders beside the store, newest first. */
  'slurm/jobs': method<string[]>()(z.object({})),
  /**
   * A job's tasks with progress read from their own stores; finished tasks are collected into the
   * store first unless `collect` is false (a session that opened no store, or only for reading, never collects).
   */
  'slurm/status': method<SlurmJobView>()(slurmJobFields.extend({ collect: z.boolean().optional() }).refine(oneJob, { message: 'give exactly one of job or dir', path: ['job'] })),
  /** Brings the job's finished tasks home into the store (idempotent): what was collected now, before, and what is pending. */
  'slurm/collect': method<SlurmCollectResult>()(slurmJob),
  /** scancel every array job of the folder; collecting then brings the tasks home as failed with Slurm's reason. */
  'slurm/cancel': method<{ jobIds: string[] }>()(slurmJob),
  /** One metric per run at the end, best, end of each phase and (optionally) a step: the metric-vs-hyperparameter figure. */
  'metrics/points': method<RunMetricPoint[]>()(
    z.object({ runIds, key: z.string().min(1).max(100), step: z.number().int().min(0).optional() }),
  ),

  'queue/get': method<QueueState>()(z.object({})),
  'queue/setConcurrency': method<QueueState>()(z.object({ concurrency: z.number().int().min(1).max(16) })),
  'queue/move': method<QueueState>()(z.object({ id: runId, toIndex: z.number().int().min(0) })),
  'queue/cancel': method<QueueState>()(z.object({ id: runId })),

  /**
   * Queues a run graph (vocabulary/run-graph.ts): roots at once, each RL branch once its parent
   * completed, from the parent's NTP checkpoint at the branch's step. With `reuseTag`, runs of the
   * store carrying that tag with the same config (parent and step) are used instead of new ones:
   * completed ones as they are, stopped or interrupted ones resumed, queued ones queued again.
   */
  'graph/submit': method<{ graphId: number; runs: GraphRunRef[] }>()(
    z.object({ runs: z.array(plannedRun).min(1).max(MAX_GRAPH_RUNS), reuseTag: z.string().min(1).max(100).optional() }),
  ),
  'graph/get': method<GraphProgress>()(z.object({ graphId })),
  /** Nothing more of the graph starts; its running trainers stop; its waiting runs stay queued. */
  'graph/stop': method<GraphProgress>()(z.object({ graphId })),

  'export/runs': method<ExportFile>()(
    // 'runs-csv': one row per run (config columns, last/best per key); 'csv': one row per metric point.
    z.object({ ids: exportIds, format: z.enum(['json', 'csv', 'runs-csv']), checkpoints: z.boolean().optional() }),
  ),
  /** The current page as PDF: the desktop app prints it (printToPDF); browser mode uses the browser's print dialog. */
  'export/pdf': method<ExportFile>()(z.object({ title: z.string().max(200).optional() })),
  'export/report': method<ExportFile>()(
    z.object({
      ids: runIds,
      keys: z.array(z.string().min(1).max(100)).max(16).optional(),
      title: z.string().max(200).optional(),
      /** Draw seeds of one config as mean and band (the default), or one line per run, as the view did. */
      groupSeeds: z.boolean().optional(),
      band: z.enum(['minmax', 'std']).optional(),
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
