// `workbench reproduce`: runs the paper's studies headless as one run graph through the service
// (NTP runs concurrently within the core budget, RL runs branched from their parent's checkpoint
// once it exists), stores and tags every run, decides each claim of SCIENCE.md from the measured
// numbers, writes one self-contained HTML report and prints the claim table.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { WorkbenchApi } from '../../api/client';
import { evaluateClaim, starRoundsOf, type RunMeasurement } from '../../paper/claims';
import { longestResponse, type ExperimentConfig } from '../../vocabulary/experiment-config';
import { METRIC } from '../../vocabulary/metric-keys';
import { getStudies, PAPER_STUDIES, PUBLIC_SCALES, STUDY_NAMES, type Study, type StudyScale } from '../../paper/studies';
import { planStudies, studyRunKey } from '../../paper/study-graph';
import { parseConcurrency, parseFlags, UsageError, MAX_CONCURRENCY } from '../args';
import { formatDuration } from '../progress';
import { coreBudgetTotal, defaultStorePath, ServiceSession } from '../service-session';
import { buildReproduceReport, claimTableMarkdown, reproduceJson, type ReproduceStamps, type StudyOutcome } from '../reproduce-report';
import { gitCommit } from '../version';
import { SLURM_FLAGS, SLURM_HELP, submitToSlurm } from '../slurm-submit';

export const summary = "run the paper's studies headless and write a report with the claim table";

const HELP = `usage: workbench reproduce [NAME|all] [--scale quick|standard|paper] [--db FILE] [--out REPORT.html] [--seeds N] [--json] [--fresh]

Runs a study (or all of them) headless as one run graph: independent runs train at once within
the core budget (WORKBENCH_CORES overrides the count), each RL run starts from the right
checkpoint of its NTP run once that run completed. Every run is stored and tagged study:<name>. At the
end each claim of SCIENCE.md is decided from the measured numbers, for each seed on its own (a claim
passes only when it holds for every seed); the claim table is printed on stdout (Markdown) and
written, with each study's figures, into a self-contained HTML report.
Rerunning the same command continues where an interrupted one stopped: completed runs of the store
with the same config are reused, stopped or interrupted ones resumed from their last checkpoint.
Exit code 0 when every run completed (whatever the claims say), 1 when a run failed,
2 for bad arguments, 130 when stopped with Ctrl-C.

Studies (all = the six parity studies; multiplication runs by name):
${STUDY_NAMES.map((n) => `  ${n}`).join('\n')}

  --scale S        standard (default): d=20, the headline model, NTP 1200 steps, 3 seeds (hours on
                   2 cores); quick: d=8, 250 NTP steps, 1 seed (minutes); paper: d=50, 4 layers x
                   256 wide, 40,000 NTP steps x batch 256 (~1e7 samples), 3 seeds (a GPU or --slurm)
  --quick          the same as --scale quick
  --seeds N        seeds per run (default 3, 1 at quick scale)
  --db FILE        run store (default ${defaultStorePath()})
  --out FILE       HTML report (default reproduce-<NAME>[-<scale>].html; standard has no suffix)
  --json           print one JSON document on stdout instead of the Markdown table: the studies,
                   each claim with its numbers per seed and aggregated, the verdicts, and the
                   stamps (commit, backends, cores, wall time, seeds)
  --concurrency N  at most N runs train at once (1: one after the other, each with every core;
                   default: as many as the core budget gives a core each), 1 to ${MAX_CONCURRENCY}
  --fresh          train every run anew instead of reusing completed runs of earlier reproduce
                   commands with the same config (the default reuses them, and resumes stopped
                   or interrupted ones: with nothing missing this rebuilds the report)
  --reuse          the default; kept for older scripts
${SLURM_HELP}                     (the report is not written: collect the job, then the same command without --slurm builds it)
`;

const FLAGS = {
  scale: { type: 'string' },
  quick: { type: 'boolean' },
  json: { type: 'boolean' },
  fresh: { type: 'boolean' },
  // Seconds-scale studies for tests; not the science.
  tiny: { type: 'boolean' },
  reuse: { type: 'boolean' },
  seeds: { type: 'string' },
  concurrency: { type: 'string' },
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
  json: boolean;
  studies: Study[];
  scale: StudyScale;
  seeds: number;
  /** Runs at once; undefined: the session's default. */
  concurrency: number | undefined;
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
  const scale = pickScale(values);
  let seedCount: number | undefined;
  if (values.seeds !== undefined) {
    seedCount = Number(values.seeds);
    if (!Number.isInteger(seedCount) || seedCount < 1 || seedCount > 100) throw new UsageError(`--seeds takes an integer in [1,100], got '${values.seeds}'`);
  }
  const concurrency = parseConcurrency(values.concurrency);
  if (concurrency !== undefined && values.slurm) throw new UsageError('--concurrency is for runs trained here; Slurm runs every task as the cluster schedules it');
  const studies = getStudies(scale, seedCount).filter((s) => (name === 'all' ? (PAPER_STUDIES as readonly string[]).includes(s.name) : s.name === name));
  const suffix = scale === 'standard' ? '' : `-${scale}`;
  if (values.fresh && values.reuse) throw new UsageError('give --fresh or --reuse, not both');
  return {
    slurm: values.slurm ? values : null,
    name: `reproduce-${name}${suffix}`,
    reuse: !values.fresh,
    json: values.json ?? false,
    studies,
    scale,
    seeds: studies[0]?.runs[0]?.seeds.length ?? 1,
    concurrency,
    db: values.db ?? defaultStorePath(),
    out: resolve(values.out ?? `reproduce-${name}${suffix}.html`),
  };
}

/** --scale, --quick (its alias) and the tests' --tiny, checked against each other. */
function pickScale(values: { scale?: string; quick?: boolean; tiny?: boolean }): StudyScale {
  if (values.scale !== undefined && !(PUBLIC_SCALES as readonly string[]).includes(values.scale)) {
    throw new UsageError(`--scale takes one of ${PUBLIC_SCALES.join(', ')}, got '${values.scale}'`);
  }
  const given = [values.scale as StudyScale | undefined, values.quick ? 'quick' : undefined, values.tiny ? 'tiny' : undefined].filter((x): x is StudyScale => x !== undefined);
  if (new Set(given).size > 1) throw new UsageError(`give one scale, got ${[values.scale && `--scale ${values.scale}`, values.quick && '--quick', values.tiny && '--tiny'].filter(Boolean).join(' and ')}`);
  return given[0] ?? 'standard';
}

/** What one finished run measured, from the service's summaries and series. */
export async function measureRun(api: WorkbenchApi, runId: number, label: string, seed: number): Promise<RunMeasurement> {
  const run = await api.runs.get({ id: runId });
  const config = run.config as ExperimentConfig;
  const done = run.status === 'completed';
  const last = (key: string): number | null => (done ? (run.metrics[key]?.last ?? null) : null);
  const points = async (key: string) => (await api.metrics.series({ runIds: [runId], keys: [key], maxPoints: 20_000 }))[0] ?? { x: [], y: [] };
  const series = async (key: string) => (await points(key)).y;
  const longShares = done ? await series(METRIC.sampledLongShare) : [];
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
    rolloutLongShare: done ? await series(METRIC.longShare) : [],
    rolloutMeanLength: done ? await series(METRIC.lengthMean) : [],
    starRounds: done && config.rl?.algorithm === 'star'
      ? starRoundsOf(await points(METRIC.starSampledLongShare), await points(METRIC.starTheoryLongShare), await points(METRIC.greedyAccuracy), await points(METRIC.greedyLengthMedian))
      : [],
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
      return await submitToSlurm(planStudies(args.studies, ['reproduce', args.scale]).graph, args.name, args.slurm, args.db);
    } catch (err) {
      if (!(err instanceof UsageError)) throw err;
      process.stderr.write(`workbench reproduce: ${err.message}\n`);
      return 2;
    }
  }

  const started = Date.now();
  const { graph, keyOf } = planStudies(args.studies, ['reproduce', args.scale]);
  const session = await ServiceSession.open({ storePath: args.db, command: 'workbench reproduce', train: true, concurrency: args.concurrency, whatHappensNext: 'the rest stay queued; rerun the same command to continue' });
  const api = session.api;
  const total = graph.runs.length;
  const position = new Map(graph.runs.map((r, i) => [r.key, i + 1]));
  const keyById = new Map<number, string>();
  const startedAt = new Map<number, number>();
  const failedRuns: string[] = [];
  const backends = new Set<string>();
  const threads = new Set<number>();
  let trainingSeconds = 0;
  const timed = new Set<number>();
  const command = `workbench reproduce ${argv.join(' ')}`.trim();
  process.stderr.write(`reproduce: ${args.studies.map((s) => s.name).join(', ')} at ${args.scale} scale, ${total} runs -> ${session.storePath}${args.reuse ? '' : ' (--fresh: nothing reused)'}\n`);
  const label = (key: string) => `[${position.get(key)}/${total}] ${graph.runs[position.get(key)! - 1]!.name}`;

  try {
    const { runIds } = await session.runGraph(graph.runs, args.reuse ? 'reproduce' : undefined, {
      onSubmitted: (refs) => {
        for (const ref of refs) {
          keyById.set(ref.runId, ref.key);
          if (ref.reused) process.stderr.write(`${label(ref.key)}: same config as an earlier reproduce run, reusing run ${ref.runId}\n`);
        }
      },
      onStart: (runId) => {
        startedAt.set(runId, Date.now());
        const key = keyById.get(runId)!;
        void api.runs.get({ id: runId }).then((run) => {
          const step = graph.runs[position.get(key)! - 1]!.branch?.step;
          const origin = run.parentCheckpointId === null ? '' : ` from checkpoint #${run.parentCheckpointId} (step ${step}) of run ${run.parentRunId}`;
          process.stderr.write(`${label(key)}: run ${runId}${origin}\n`);
        });
      },
      onEnd: (event) => {
        const key = keyById.get(event.runId)!;
        const secs = (Date.now() - (startedAt.get(event.runId) ?? Date.now())) / 1000;
        if (event.status === 'completed') {
          const m = event.final?.summary.rl ?? event.final?.summary.ntp;
          process.stderr.write(`  ${graph.runs[position.get(key)! - 1]!.name} completed in ${formatDuration(secs)}${m ? `: greedy acc ${pct(m.greedyAccuracy)}, median length ${m.medianGreedyLength}, sampled long share ${m.sampledLongShare.toFixed(2)}` : ''}\n`);
        } else {
          process.stderr.write(`  ${graph.runs[position.get(key)! - 1]!.name} ${event.status} after ${formatDuration(secs)}${event.error ? `: ${event.error}` : ''}\n`);
        }
      },
    });

    const outcomes: StudyOutcome[] = [];
    for (const study of args.studies) {
      const ids: number[] = [];
      const measured: { runId: number; label: string; seed: number }[] = [];
      let first = Infinity;
      let lastEnd = 0;
      for (const studyRun of study.runs) {
        for (const seed of studyRun.seeds) {
          const runId = runIds.get(keyOf.get(studyRunKey(study.name, studyRun.label, seed))!)!;
          const run = await api.runs.get({ id: runId });
          if (!ids.includes(runId)) ids.push(runId);
          first = Math.min(first, run.startedAt ?? Infinity);
          lastEnd = Math.max(lastEnd, run.finishedAt ?? 0);
          if (run.backend) backends.add(run.backendVersion ? `${run.backend} ${run.backendVersion}` : run.backend);
          if (run.threads !== null) threads.add(run.threads);
          // A run shared by several studies counts once.
          if (run.startedAt !== null && run.finishedAt !== null && !timed.has(runId)) trainingSeconds += (run.finishedAt - run.startedAt) / 1000;
          timed.add(runId);
          if (run.status === 'completed') measured.push({ runId, label: studyRun.label, seed });
          else failedRuns.push(`${study.name}/${studyRun.label} seed=${seed} (run ${runId} ${run.status}${run.error ? `: ${run.error}` : ''})`);
        }
      }
      const measurements = await Promise.all(measured.map((m) => measureRun(api, m.runId, m.label, m.seed)));
      outcomes.push({
        study,
        runIds: ids,
        measurements,
        claims: study.claims.map((c) => evaluateClaim(c, measurements)),
        wallSeconds: Number.isFinite(first) && lastEnd > first ? (lastEnd - first) / 1000 : 0,
      });
    }
    const wallSeconds = (Date.now() - started) / 1000;
    const partial = session.stopped ? ' (stopped before the end)' : '';
    const info = await api.system.info({});
    const stamps: ReproduceStamps = {
      ...gitCommit(),
      backends: [...backends].sort(),
      threads: [...threads].sort((a, b) => a - b),
      cpus: info.cpus,
      coreBudget: coreBudgetTotal(),
      wallSeconds,
      trainingSeconds,
      seeds: [...new Set(args.studies.flatMap((s) => s.runs.flatMap((r) => r.seeds)))].sort((a, b) => a - b),
      appVersion: info.appVersion,
      generatedAt: new Date().toISOString(),
    };
    const summaryInfo = { scale: `${args.scale}${partial}`, seeds: args.seeds, command, wallSeconds, storePath: session.storePath, failedRuns, stamps };
    const html = await buildReproduceReport(api, outcomes, summaryInfo);
    writeFileSync(args.out, html);
    process.stderr.write(`\nreport: ${args.out}\nwall time: ${formatDuration(wallSeconds)} for ${total} runs\n`);
    if (args.json) {
      process.stderr.write(`${claimTableMarkdown(outcomes)}\n`);
      process.stdout.write(`${JSON.stringify(reproduceJson(outcomes, { ...summaryInfo, scale: args.scale, stopped: session.stopped, reportPath: args.out }), null, 2)}\n`);
    } else {
      process.stdout.write(`${claimTableMarkdown(outcomes)}\n`);
    }
    if (failedRuns.length) process.stderr.write(`runs that did not complete:\n${[...new Set(failedRuns)].map((f) => `  ${f}`).join('\n')}\n`);
  } finally {
    await session.close();
  }
  if (session.stopped) return 130;
  return failedRuns.length ? 1 : 0;
}
