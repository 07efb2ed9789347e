// `workbench sweep`: queues the cross product of a grid of config values as runs in the store;
// with --run it also executes them, one after another, headless. Every combination is validated
// before any run is created, so one bad value queues nothing.
import { defaultStorePath, openStore } from '../../db';
import { crossProduct, type SweepAxis } from '../../api/sweep';
import { defaultRunName } from '../../backend/run-names';
import { groupKey, setConfigValue, validateConfig, type ExperimentConfig } from '../../vocabulary/experiment-config';
import { parseFlags, UsageError } from '../args';
import { loadExperimentInput } from '../experiment-input';
import { configFieldsHelp } from '../config-help';
import { formatDuration } from '../progress';
import { HeadlessRunner } from '../headless-runner';
import { SLURM_FLAGS, SLURM_HELP, submitToSlurm } from '../slurm-submit';
import { sweepToGraph } from '../../cluster/graph-from';

export const summary = 'queue (and with --run, execute) the cross product of a grid of config values';

const HELP = `usage: workbench sweep (--config FILE | --preset NAME) --grid KEY=V1,V2 [--grid ...] [--set key=value ...]
                      [--db FILE] [--name PREFIX] [--tag TAG ...] [--run]

Queues one run per combination of the grid values (first --grid varies slowest) in the run store.
All combinations are validated first; a bad value queues nothing and exits 2 with the field error.
Without --run the runs stay 'queued': the app (npm start, npm run serve, workbench serve --db FILE)
starts them when it opens the store. With --run they are executed here, one after another.
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
  values: Record<string, string>[];
}

/** Every combination applied to the base and validated; throws one UsageError naming each bad one. */
export function planSweep(base: object, axes: readonly SweepAxis[]): SweepPlan {
  const combos = crossProduct(axes) as Record<string, string>[];
  const configs: ExperimentConfig[] = [];
  const errors: string[] = [];
  for (const combo of combos) {
    let input = base;
    for (const [path, raw] of Object.entries(combo)) input = setConfigValue(input, path, raw);
    const checked = validateConfig(input);
    const label = Object.entries(combo).map(([k, v]) => `${k}=${v}`).join(' ');
    if (checked.ok) configs.push(checked.config);
    else for (const e of checked.errors) errors.push(label ? `${e.message} (in ${label})` : e.message);
  }
  if (errors.length) throw new UsageError(`invalid sweep, nothing was queued:\n  ${[...new Set(errors)].join('\n  ')}`);
  return { configs, values: combos };
}

export async function run(argv: string[]): Promise<number> {
  let values: ReturnType<typeof parseFlags<typeof FLAGS>>['values'];
  let plan: SweepPlan;
  try {
    values = parseFlags(argv, FLAGS).values;
    if (values.help) {
      process.stdout.write(`${HELP}${configFieldsHelp()}\n`);
      return 0;
    }
    if (!values.grid?.length) throw new UsageError('give at least one --grid KEY=V1,V2');
    plan = planSweep(loadExperimentInput(values), values.grid.map(parseGrid));
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`workbench sweep: ${err.message}\n`);
    return 2;
  }

  if (values.slurm) {
    if (values.run) {
      process.stderr.write('workbench sweep: give --run or --slurm, not both\n');
      return 2;
    }
    const storePath = values.db ?? defaultStorePath();
    const graph = sweepToGraph(plan.configs, plan.values, values.name ?? '', ['sweep', ...(values.tag ?? [])]);
    try {
      return submitToSlurm(graph, values.name ?? 'sweep', values, storePath);
    } catch (err) {
      if (!(err instanceof UsageError)) throw err;
      process.stderr.write(`workbench sweep: ${err.message}\n`);
      return 2;
    }
  }

  const store = openStore(values.db ?? defaultStorePath());
  try {
    const tags = ['sweep', ...(values.tag ?? [])];
    const runIds = plan.configs.map((config) =>
      store.createRun({ name: `${values.name ? `${values.name} ` : ''}${defaultRunName(config)}`, config, seed: config.seed, groupKey: groupKey(config), tags }),
    );
    process.stderr.write(`sweep: ${runIds.length} run${runIds.length === 1 ? '' : 's'} queued in ${store.path} (ids ${runIds[0]}-${runIds[runIds.length - 1]})\n`);
    if (!values.run) {
      for (const [i, runId] of runIds.entries()) {
        process.stdout.write(`${JSON.stringify({ runId, name: store.getRun(runId)!.name, values: plan.values[i], status: 'queued' })}\n`);
      }
      process.stderr.write(`they start when the app opens this store (npm start, npm run serve, or workbench serve --db ${store.path}); --run executes them here\n`);
      return 0;
    }

    const runner = new HeadlessRunner(store, 'the rest stay queued');
    let failed = 0;
    try {
      for (const [i, runId] of runIds.entries()) {
        if (runner.stopped) break;
        const name = store.getRun(runId)!.name;
        process.stderr.write(`[${i + 1}/${runIds.length}] run ${runId}: ${name}\n`);
        const { final, seconds } = await runner.run(runId);
        const stored = store.getRun(runId)!;
        if (stored.status !== 'completed' && stored.status !== 'stopped') failed += 1;
        process.stderr.write(`  ${stored.status} in ${formatDuration(seconds)}${stored.error ? `: ${stored.error}` : ''}\n`);
        const done = final?.type === 'done' ? final : null;
        process.stdout.write(`${JSON.stringify({ runId, name, values: plan.values[i], status: stored.status, ntp: done?.summary.ntp ?? null, rl: done?.summary.rl ?? null })}\n`);
      }
    } finally {
      runner.dispose();
    }
    if (runner.stopped) return 130;
    return failed ? 1 : 0;
  } finally {
    store.close();
  }
}
