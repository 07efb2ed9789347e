// `workbench run`: one experiment, headless, with a progress bar on stderr and one JSON summary
// line on stdout.
import { defaultRunName } from '../../vocabulary/run-names';
import { validateConfig } from '../../vocabulary/experiment-config';
import { parseFlags, UsageError } from '../args';
import { loadExperimentInput } from '../experiment-input';
import { configFieldsHelp } from '../config-help';
import { defaultStorePath, ServiceSession } from '../service-session';

export const summary = 'run one experiment (NTP, then RL) and print a JSON summary';

const HELP = `usage: workbench run (--config FILE | --preset NAME) [--db FILE] [--set key=value ...] [--name NAME]

Runs one experiment in a trainer process, stores it in the run store, shows progress on stderr
and prints one JSON line on stdout:
  {"runId", "status", "backend", "backendVersion", "wallSeconds", "ntp": {...} | null, "rl": {...} | null}
where backendVersion names the package versions and, on WebGPU, the adapter (vendor, device, driver);
and ntp and rl hold the final greedyAccuracy, sampledAccuracy, medianGreedyLength, sampledLongShare.
Exit code 0 when the run completed, 1 when it failed, 2 for bad arguments or an invalid config,
130 when stopped with Ctrl-C.

  --config FILE    experiment config (JSON)
  --preset NAME    start from a preset (workbench presets lists them)
  --set key=value  override one field by its dotted path, e.g. --set task.p_cot=0.25 --set rl.steps=50
  --db FILE        run store (default ${defaultStorePath()})
  --name NAME      run name

Config fields (dotted paths):
`;

const FLAGS = {
  config: { type: 'string' },
  preset: { type: 'string' },
  set: { type: 'string', multiple: true },
  db: { type: 'string' },
  name: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function run(argv: string[]): Promise<number> {
  let values: ReturnType<typeof parseFlags<typeof FLAGS>>['values'];
  let input: unknown;
  try {
    values = parseFlags(argv, FLAGS).values;
    if (values.help) {
      process.stdout.write(`${HELP}${configFieldsHelp()}\n`);
      return 0;
    }
    input = loadExperimentInput(values);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`workbench run: ${err.message}\n`);
    return 2;
  }

  const checked = validateConfig(input);
  if (!checked.ok) {
    process.stderr.write(`workbench run: invalid config, nothing was started:\n${checked.errors.map((e) => `  ${e.message}`).join('\n')}\n`);
    return 2;
  }
  const config = checked.config;

  const session = await ServiceSession.open({ storePath: values.db ?? defaultStorePath(), command: 'workbench run', train: true, whatHappensNext: 'the run is recorded as stopped' });
  try {
    const name = values.name ?? defaultRunName(config);
    let final: { summary: { ntp: unknown; rl: unknown }; wallSeconds: number } | undefined;
    const { runIds } = await session.runGraph([{ key: 'run', name, config, tags: [], branch: null }], undefined, {
      onStart: (runId) => process.stderr.write(`run ${runId}: ${defaultRunName(config)} -> ${session.storePath}\n`),
      onEnd: (event) => (final = event.final),
    });
    const runId = runIds.get('run')!;
    const stored = await session.api.runs.get({ id: runId });
    const line = {
      runId,
      status: stored.status,
      backend: stored.backend,
      backendVersion: stored.backendVersion,
      wallSeconds: final ? Number(final.wallSeconds.toFixed(1)) : stored.startedAt && stored.finishedAt ? (stored.finishedAt - stored.startedAt) / 1000 : null,
      ntp: final?.summary.ntp ?? null,
      rl: final?.summary.rl ?? null,
      ...(stored.error ? { error: stored.error } : {}),
    };
    process.stdout.write(`${JSON.stringify(line)}\n`);
    if (stored.status === 'completed') return 0;
    if (stored.status === 'stopped' || session.stopped) return 130;
    process.stderr.write(`run ${runId} ${stored.status}: ${stored.error ?? 'no reason recorded'}\n`);
    return 1;
  } finally {
    await session.close();
  }
}
