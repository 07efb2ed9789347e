// `workbench reproduce`: runs the paper's studies headless (NTP runs, RL runs branched from their
// checkpoints), stores and tags every run, decides each claim of SCIENCE.md from the measured
// numbers, writes one self-contained HTML report and prints the claim table.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { defaultStorePath, openStore, type RunStore } from '../../db';
import { evaluateClaim, type RunMeasurement } from '../../paper/claims';
import { groupKey, longestResponse, setConfigValue, validateConfig, type ExperimentConfig } from '../../vocabulary/experiment-config';
import { METRIC } from '../../vocabulary/metric-keys';
import { getStudies, PAPER_STUDIES, pickCheckpoint, STUDY_NAMES, type Study, type StudyRun, type StudyScale } from '../../paper/studies';
import { parseFlags, UsageError } from '../args';
import { formatDuration } from '../progress';
import { HeadlessRunner } from '../headless-runner';
import { buildReproduceReport, claimTableMarkdown, type StudyOutcome } from '../reproduce-report';
import { appVersion } from '../version';
import { SLURM_FLAGS, SLURM_HELP, submitToSlurm } from '../slurm-submit';
import { studiesToGraphLocal } from '../../cluster/graph-from';

export const summary = "run the paper's studies headless and write a report with the claim table";

const HELP = `usage: workbench reproduce [NAME|all] [--quick] [--db FILE] [--out REPORT.html] [--seeds N]

Runs a study (or all of them) headless, one run after another: NTP runs, then RL runs branched
from the right checkpoint of their NTP run. Every run is stored and tagged study:<name>. At the
end each claim of SCIENCE.md is decided from the measured numbers; the claim table is printed on
stdout (Markdown) and written, with each study's figures, into a self-contained HTML report.
Exit code 0 when every run completed (whatever the claims say), 1 when a run failed,
2 for bad arguments, 130 when stopped with Ctrl-C.

Studies (all = the six parity studies; multiplication runs by name):
${STUDY_NAMES.map((n) => `  ${n}`).join('\n')}

  --quick          a smaller, faster version of each study (d=8, 250 NTP steps, 1 seed)
  --seeds N        seeds per run (default 3, 1 with --quick)
  --db FILE        run store (default ${defaultStorePath()})
  --out FILE       HTML report (default reproduce-<NAME>[-quick].html)
  --reuse          reuse completed runs of the store with exactly the same config (earlier
                   reproduce runs) and run only the missing ones; with nothing missing this
                   rebuilds the report and the claim table from the store
${SLURM_HELP}                     (the report is not written: collect the job, then reproduce --reuse builds it)
`;

const FLAGS = {
  quick: { type: 'boolean' },
  // Seconds-scale studies for tests; not the science.
  tiny: { type: 'boolean' },
  reuse: { type: 'boolean' },
  seeds: { type: 'string' },
  db: { type: 'string' },
  out: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  ...SLURM_FLAGS,
} as const;

interface Args {
  /** The slurm flags when --slurm was given. */
  slurm: ReturnType<typeof parseFlags<typeof FLAGS>>['values'] | null;
  name: string;
  reuse: boolean;
  studies: Study[];
  scale: StudyScale;
  seeds: number;
  db: string;
  out: string;
}

function parseArgs(argv: string[]): Args | 'help' {
  const { values, positionals } = parseFlags(argv, FLAGS, true);
  if (values.help) return 'help';
  if (positionals.length > 1) throw new UsageError(`give one study name or all, got ${positionals.join(' ')}`);
  const name = positionals[0] ?? 'all';
  if (name !== 'all' && !(STUDY_NAMES as readonly string[]).includes(name)) {
    throw new UsageError(`unknown study '${name}' (one of: ${STUDY_NAMES.join(', ')}, all)`);
  }
  if (values.quick && values.tiny) throw new UsageError('give --quick or --tiny, not both');
  const scale: StudyScale = values.tiny ? 'tiny' : values.quick ? 'quick' : 'full';
  let seedCount: number | undefined;
  if (values.seeds !== undefined) {
    seedCount = Number(values.seeds);
    if (!Number.isInteger(seedCount) || seedCount < 1 || seedCount > 100) throw new UsageError(`--seeds takes an integer in [1,100], got '${values.seeds}'`);
  }
  const studies = getStudies(scale, seedCount).filter((s) => (name === 'all' ? (PAPER_STUDIES as readonly string[]).includes(s.name) : s.name === name));
  const suffix = scale === 'full' ? '' : `-${scale}`;
  return {
    slurm: values.slurm ? values : null,
    name: `reproduce-${name}${suffix}`,
    reuse: values.reuse ?? false,
    studies,
    scale,
    seeds: studies[0]?.runs[0]?.seeds.length ?? 1,
    db: values.db ?? defaultStorePath(),
    out: resolve(values.out ?? `reproduce-${name}${suffix}.html`),
  };
}

/** The concrete config of one run of a study: its seed, and for a branch the parent's checkpoint. */
function configFor(run: StudyRun, seed: number, from: { runId: number; checkpointId: number } | null): ExperimentConfig {
  let input: object = { ...run.config, seed };
  if (from) input = setConfigValue(input, 'rl.fromCheckpoint', JSON.stringify(from));
  const checked = validateConfig(input);
  if (!checked.ok) throw new Error(`invalid study config ${run.label}: ${checked.errors.map((e) => e.message).join('; ')}`);
  return checked.config;
}

function series(store: RunStore, runId: number, key: string): number[] {
  return store.series({ runIds: [runId], keys: [key], maxPoints: 100_000 })[0]?.y ?? [];
}

/** What one finished run measured, from the store's summaries and series. */
export function measureRun(store: RunStore, runId: number, label: string, seed: number): RunMeasurement {
  const run = store.getRun(runId);
  if (!run) throw new Error(`run ${runId} is not in the store`);
  const config = run.config as ExperimentConfig;
  const done = run.status === 'completed';
  const last = (key: string): number | null => (done ? (run.metrics[key]?.lastValue ?? null) : null);
  const longShares = series(store, runId, METRIC.sampledLongShare);
  return {
    label,
    seed,
    runId,
    pCot: config.task.p_cot,
    longLength: longestResponse(config.task),
    greedyAccuracy: last(METRIC.greedyAccuracy),
    greedyLengthMedian: last(METRIC.greedyLengthMedian),
    sampledLongShare: last(METRIC.sampledLongShare),
    startSampledLongShare: done ? (longShares[0] ?? null) : null,
    rolloutLongShare: done ? series(store, runId, METRIC.longShare) : [],
  };
}

function pct(x: number | null): string {
  return x === null ? '?' : `${(100 * x).toFixed(0)}%`;
}

export async function run(argv: string[]): Promise<number> {
  let args: Args | 'help';
  try {
    args = parseArgs(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`workbench reproduce: ${err.message}\n(workbench reproduce --help for usage)\n`);
    return 2;
  }
  if (args === 'help') {
    process.stdout.write(HELP);
    return 0;
  }

  if (args.slurm) {
    try {
      return submitToSlurm(studiesToGraphLocal(args.studies, ['reproduce', args.scale]), args.name, args.slurm, args.db);
    } catch (err) {
      if (!(err instanceof UsageError)) throw err;
      process.stderr.write(`workbench reproduce: ${err.message}\n`);
      return 2;
    }
  }

  const total = args.studies.reduce((n, s) => n + s.runs.reduce((m, r) => m + r.seeds.length, 0), 0);
  const started = Date.now();
  const store = openStore(args.db);
  const runner = new HeadlessRunner(store, 'remaining runs are skipped');
  const failedRuns: string[] = [];
  // Runs with the same config (and seed) serve every study that needs them: run once, tag for each.
  const sharedRuns = new Map<string, { runId: number; title: string }>();
  if (args.reuse) {
    // Oldest first, so the newest run of a config wins.
    for (const r of store.listRuns({ tags: ['reproduce'], status: ['completed'], order: 'id-asc', summaryKeys: [] })) {
      sharedRuns.set(JSON.stringify(r.config), { runId: r.id, title: r.name });
    }
  }
  const outcomes: StudyOutcome[] = [];
  let index = 0;
  const command = `workbench reproduce ${argv.join(' ')}`.trim();
  const writeReport = async (complete: boolean): Promise<number> => {
    const wallSeconds = (Date.now() - started) / 1000;
    const partial = complete ? '' : ` (in progress: ${outcomes.length} of ${args.studies.length} studies)`;
    const html = await buildReproduceReport(store, outcomes, { scale: `${args.scale}${partial}`, seeds: args.seeds, command, wallSeconds, storePath: store.path, failedRuns }, appVersion());
    writeFileSync(args.out, html);
    return wallSeconds;
  };
  process.stderr.write(`reproduce: ${args.studies.map((s) => s.name).join(', ')} at ${args.scale} scale, ${total} runs -> ${store.path}\n`);

  try {
    for (const study of args.studies) {
      const studyStart = Date.now();
      const ids = new Map<string, number>(); // `${label}#${seed}` -> run id (completed runs only)
      const runIds: number[] = [];
      const measured: { runId: number; label: string; seed: number }[] = [];
      for (const studyRun of study.runs) {
        for (const seed of studyRun.seeds) {
          index += 1;
          const title = `${study.name}/${studyRun.label} seed=${seed}`;
          if (runner.stopped) break;
          let from: { runId: number; checkpointId: number } | null = null;
          if (studyRun.branch) {
            const parentId = ids.get(`${studyRun.branch.fromLabel}#${seed}`);
            const parent = parentId === undefined ? undefined : store.getRun(parentId);
            const checkpoints = parentId === undefined ? [] : store.listCheckpoints(parentId).filter((c) => c.phase === 'ntp');
            const parentSteps = (parent?.config as ExperimentConfig | undefined)?.ntp.steps ?? 0;
            const checkpoint = pickCheckpoint(checkpoints, studyRun.branch.checkpoint, parentSteps);
            if (parentId === undefined || !checkpoint) {
              process.stderr.write(`[${index}/${total}] ${title}: skipped (${studyRun.branch.fromLabel} seed=${seed} has no NTP checkpoint)\n`);
              failedRuns.push(`${title} (skipped)`);
              continue;
            }
            from = { runId: parentId, checkpointId: checkpoint.id };
          }
          const config = configFor(studyRun, seed, from);
          // Same config, same start checkpoint, same seed: the same run (e.g. GRPO at tau=1 from the
          // last checkpoint serves ntp-vs-rl, temperature and algorithms).
          const shareKey: string | null = JSON.stringify(config);
          const shared = shareKey === null ? undefined : sharedRuns.get(shareKey);
          if (shared) {
            const row = store.getRun(shared.runId)!;
            store.updateRun(shared.runId, { tags: [...new Set([...row.tags, `study:${study.name}`])] });
            ids.set(`${studyRun.label}#${seed}`, shared.runId);
            runIds.push(shared.runId);
            measured.push({ runId: shared.runId, label: studyRun.label, seed });
            process.stderr.write(`[${index}/${total}] ${title}: same config as ${shared.title}, reusing run ${shared.runId}\n`);
            continue;
          }
          const runId = store.createRun({
            name: title,
            config,
            seed,
            groupKey: groupKey(config, from ? (store.listCheckpoints(from.runId).find((c) => c.id === from.checkpointId)?.step ?? null) : null),
            tags: [`study:${study.name}`, 'reproduce', args.scale],
            parentRunId: from?.runId ?? null,
            parentCheckpointId: from?.checkpointId ?? null,
          });
          runIds.push(runId);
          const origin = from ? ` from checkpoint #${from.checkpointId} (step ${store.listCheckpoints(from.runId).find((c) => c.id === from.checkpointId)?.step}) of run ${from.runId}` : '';
          process.stderr.write(`[${index}/${total}] ${title}: run ${runId}${origin}\n`);
          const { seconds: secs } = await runner.run(runId);
          const stored = store.getRun(runId)!;
          if (stored.status === 'completed') {
            ids.set(`${studyRun.label}#${seed}`, runId);
            if (shareKey !== null) sharedRuns.set(shareKey, { runId, title });
            measured.push({ runId, label: studyRun.label, seed });
            const m = measureRun(store, runId, studyRun.label, seed);
            process.stderr.write(`  completed in ${formatDuration(secs)}: greedy acc ${pct(m.greedyAccuracy)}, median length ${m.greedyLengthMedian ?? '?'}, sampled long share ${m.sampledLongShare?.toFixed(2) ?? '?'}\n`);
          } else {
            failedRuns.push(`${title} (run ${runId} ${stored.status}${stored.error ? `: ${stored.error}` : ''})`);
            process.stderr.write(`  ${stored.status} after ${formatDuration(secs)}${stored.error ? `: ${stored.error}` : ''}\n`);
          }
        }
      }
      const measurements = measured.map((m) => measureRun(store, m.runId, m.label, m.seed));
      outcomes.push({
        study,
        runIds,
        measurements,
        claims: study.claims.map((c) => evaluateClaim(c, measurements)),
        wallSeconds: (Date.now() - studyStart) / 1000,
      });
      // The report so far: a long reproduction leaves something to read if it is cut short.
      if (outcomes.length < args.studies.length) await writeReport(false);
      if (runner.stopped) break;
    }
  } finally {
    runner.dispose();
  }

  try {
    const wallSeconds = await writeReport(true);
    process.stderr.write(`\nreport: ${args.out}\nwall time: ${formatDuration(wallSeconds)} for ${total} runs\n`);
    process.stdout.write(`${claimTableMarkdown(outcomes)}\n`);
    if (failedRuns.length) process.stderr.write(`runs that did not complete:\n${failedRuns.map((f) => `  ${f}`).join('\n')}\n`);
  } finally {
    store.close();
  }
  if (runner.stopped) return 130;
  return failedRuns.length ? 1 : 0;
}
