// `workbench sweep`: queues the cross product of a grid of config values as runs in the store;
// with --run it also executes them, one after another, headless. Every combination is validated
// before any run is created, so one bad value queues nothing.
import { crossProduct, expandSweep, sweepToGraph, type SweepAxis, type SweepValue } from '../../api/sweep';
import type { ExperimentConfig } from '../../vocabulary/experiment-config';
import { MAX_CONCURRENCY, parseConcurrency, parseFlags, UsageError } from '../args';
import { loadExperimentInput } from '../experiment-input';
import { parseSetValue } from '../set-value';
import { configFieldsHelp } from '../config-help';
import { formatDuration } from '../progress';
import { defaultStorePath, measuredSummaries, ServiceSession } from '../service-session';
import { SLURM_FLAGS, SLURM_HELP, submitToSlurm } from '../slurm-submit';

export const summary = 'queue (and with --run, execute) the cross product of a grid of config values';

const HELP = `usage: workbench sweep (--config FILE | --preset NAME) --grid KEY=V1,V2 [--grid ...] [--set key=value ...]
                      [--db FILE] [--name PREFIX] [--tag TAG ...] [--run]

Queues one run per combination of the grid values (first --grid varies slowest) in the run store.
All combinations are validated first; a bad value queues nothing and exits 2 with the field error.
Without --run the runs stay 'queued': the app (npm start, npm run serve, workbench serve --db FILE)
starts them when it opens the store. With --run they are executed here, as many at once as the
cores allow (WORKBENCH_CORES overrides the count); runs another process on the same store takes
are waited for and reported.
stdout: one JSON line per run: {"runId", "name", "values", "status"} (+ "ntp", "rl" summaries with --run).
Exit code 0 when all runs were queued (and, with --run, completed), 1 when a run failed, 2 for bad
arguments or an invalid combination, 130 when stopped with Ctrl-C.

  --config FILE        experiment config (JSON)
  --preset NAME        start from a preset (workbench presets lists them)
  --grid KEY=V1,V2     one sweep axis: a dotted config path and its values, e.g.
                       --grid task.p_cot=0.1,0.2,0.3 --grid seed=0,1,2 --grid rl.algorithm=star,grpo
                       (values are JSON where they parse: --grid 'task.chain="full",{"leap":2}')
  --set key=value      fixed override applied before the grid
  --db FILE            run store (default ${defaultStorePath()})
  --name PREFIX        run name prefix
  --tag TAG            tag every run (repeatable); 'sweep' is always added
  --run                execute the runs now instead of leaving them queued
  --reuse              with --run: use this store's sweep runs with the same config instead of new
                       ones (completed ones as they are, stopped or interrupted ones resumed), so a
                       stopped sweep continues when the same command runs again
  --concurrency N      with --run: at most N runs train at once (1: one after the other, each with
                       every core; default: as many as the core budget gives a core each), 1 to ${MAX_CONCURRENCY}
${SLURM_HELP}
Config fields (dotted paths):
`;

const FLAGS = {
  config: { type: 'string' },
  preset: { type: 'string' },
  grid: { type: 'string', multiple: true },
  set: { type: 'string', multiple: true },
  db: { type: 'string' },
  name: { type: 'string' },
  tag: { type: 'string', multiple: true },
  run: { type: 'boolean' },
  reuse: { type: 'boolean' },
  concurrency: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  ...SLURM_FLAGS,
} as const;

/** Splits "a,b,{"x":1,"y":2}" on the commas outside brackets, braces and quotes. */
export function splitValues(list: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < list.length; i++) {
    const c = list[i];
    if (c === '"' && list[i - 1] !== '\\') quoted = !quoted;
    else if (!quoted && (c === '{' || c === '[')) depth += 1;
    else if (!quoted && (c === '}' || c === ']')) depth -= 1;
    else if (!quoted && depth === 0 && c === ',') {
      out.push(list.slice(start, i));
      start = i + 1;
    }
  }
  out.push(list.slice(start));
  return out.map((v) => v.trim());
}

/** "task.p_cot=0.1,0.2" -> an axis whose values are the raw strings (parsed when applied). */
export function parseGrid(spec: string): SweepAxis {
  const eq = spec.indexOf('=');
  if (eq <= 0) throw new UsageError(`--grid takes KEY=V1,V2,..., got '${spec}'`);
  const path = spec.slice(0, eq).trim();
  const values = splitValues(spec.slice(eq + 1));
  if (values.some((v) => v === '')) throw new UsageError(`--grid ${path} has an empty value in '${spec.slice(eq + 1)}'`);
  return { path, values };
}

export interface SweepPlan {
  configs: ExperimentConfig[];
  /** Each combination as typed on the command line. */
  values: Record<string, string>[];
  /** The same combinations as typed values. */
  typed: Record<string, SweepValue>[];
}

/**
 * The grid's text parsed into typed values and expanded by the service's own expansion (api/sweep),
 * here only to refuse a bad sweep before the store is opened: one UsageError naming each bad combination.
 */
export function planSweep(base: object, axes: readonly SweepAxis[]): SweepPlan {
  const typed = axes.map((a) => ({ path: a.path, values: a.values.map((v) => parseSetValue(String(v)) as SweepValue) }));
  const expanded = expandSweep(base, typed, '--grid');
  if (!expanded.ok) {
    if (expanded.kind === 'too-large') throw new UsageError(`${expanded.message}; nothing was queued`);
    throw new UsageError(`invalid sweep, nothing was queued:\n  ${[...new Set(expanded.errors.map((e) => e.message))].join('\n  ')}`);
  }
  return { configs: expanded.configs, values: crossProduct(axes) as Record<string, string>[], typed: expanded.combos };
}

export async function run(argv: string[]): Promise<number> {
  let values: ReturnType<typeof parseFlags<typeof FLAGS>>['values'];
  let plan: SweepPlan;
  let concurrency: number | undefined;
  try {
    values = parseFlags(argv, FLAGS).values;
    if (values.help) {
      process.stdout.write(`${HELP}${configFieldsHelp()}\n`);
      return 0;
    }
    concurrency = parseConcurrency(values.concurrency);
    if (concurrency !== undefined && !values.run) throw new UsageError('--concurrency goes with --run (without it nothing trains here)');
    if (!values.grid?.length) throw new UsageError('give at least one --grid KEY=V1,V2');
    plan = planSweep(loadExperimentInput(values), values.grid.map(parseGrid));
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`workbench sweep: ${err.message}\n`);
    return 2;
  }

  const tags = ['sweep', ...(values.tag ?? [])];
  if (values.slurm) {
    if (values.run) {
      process.stderr.write('workbench sweep: give --run or --slurm, not both\n');
      return 2;
    }
    try {
      return await submitToSlurm(sweepToGraph(plan.configs, plan.typed, { namePrefix: values.name, tags }), values.name ?? 'sweep', values, values.db ?? defaultStorePath());
    } catch (err) {
      if (!(err instanceof UsageError)) throw err;
      process.stderr.write(`workbench sweep: ${err.message}\n`);
      return 2;
    }
  }
  const session = await ServiceSession.open({ storePath: values.db ?? defaultStorePath(), command: 'workbench sweep', train: values.run ?? false, concurrency, whatHappensNext: 'the rest stay queued (rerun with --reuse to continue)' });
  try {
    const graph = sweepToGraph(plan.configs, plan.typed, { namePrefix: values.name, tags });
    if (!values.run) {
      // Queued through the service like the app's sweeps; this session trains nothing (concurrency 0).
      const { runIds } = await session.api.runs.start({ config: loadExperimentInput(values), sweep: sweepAxesOf(values.grid!), tags, name: values.name });
      process.stderr.write(`sweep: ${runIds.length} run${runIds.length === 1 ? '' : 's'} queued in ${session.storePath} (ids ${runIds[0]}-${runIds[runIds.length - 1]})\n`);
      for (const [i, runId] of runIds.entries()) {
        process.stdout.write(`${JSON.stringify({ runId, name: graph.runs[i]!.name, values: plan.values[i], status: 'queued' })}\n`);
      }
      process.stderr.write(`they start when the app opens this store (npm start, npm run serve, or workbench serve --db ${session.storePath}); --run executes them here\n`);
      return 0;
    }

    const index = new Map<number, number>();
    const finals = new Map<number, { summary: { ntp: unknown; rl: unknown } } | undefined>();
    const startedAt = new Map<number, number>();
    const { runIds, reused } = await session.runGraph(graph.runs, values.reuse ? 'sweep' : undefined, {
      onSubmitted: (refs) => {
        for (const [i, ref] of refs.entries()) index.set(ref.runId, i);
        process.stderr.write(`sweep: ${graph.runs.length} run${graph.runs.length === 1 ? '' : 's'} in ${session.storePath}\n`);
      },
      onStart: (runId) => {
        startedAt.set(runId, Date.now());
        const i = index.get(runId);
        process.stderr.write(`[${(i ?? 0) + 1}/${graph.runs.length}] run ${runId}: ${i === undefined ? '' : graph.runs[i]!.name}\n`);
      },
      onEnd: (event) => {
        finals.set(event.runId, event.final);
        const seconds = (Date.now() - (startedAt.get(event.runId) ?? Date.now())) / 1000;
        const by = event.final ? '' : ' (trained by another process)';
        process.stderr.write(`  run ${event.runId} ${event.status} in ${formatDuration(seconds)}${by}${event.error ? `: ${event.error}` : ''}\n`);
      },
    });
    let failed = 0;
    for (const [i, run] of graph.runs.entries()) {
      const runId = runIds.get(run.key)!;
      const stored = await session.api.runs.get({ id: runId });
      if (stored.status !== 'completed' && stored.status !== 'stopped' && stored.status !== 'queued') failed += 1;
      const final = finals.get(runId);
      const summaries = final ? final.summary : measuredSummaries(stored);
      process.stdout.write(`${JSON.stringify({ runId, name: stored.name, values: plan.values[i], status: stored.status, ...(reused.has(runId) ? { reused: true } : {}), ntp: summaries.ntp, rl: summaries.rl })}\n`);
    }
    if (session.stopped) return 130;
    return failed ? 1 : 0;
  } finally {
    await session.close();
  }
}

function sweepAxesOf(grid: string[]): { path: string; values: SweepValue[] }[] {
  return grid.map(parseGrid).map((a) => ({ path: a.path, values: a.values.map((v) => parseSetValue(String(v)) as SweepValue) }));
}
