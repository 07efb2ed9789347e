// Slurm from the app and the CLI: submit a run or sweep as a job folder beside the store, list
// those folders, read one's status (collecting finished tasks into the store as it goes), collect,
// cancel.
import fs from 'node:fs';
import path from 'node:path';
import { ApiError, type ParsedInput } from '../../api/contract';
import { expandSweep, sweepToGraph } from '../../api/sweep';
import { collectJob } from '../../cluster/collect';
import { createJobFolder, jobsRoot } from '../../cluster/job-folder';
import { MANIFEST_FILE } from '../../cluster/manifest';
import { slurmOptionsSchema, type SlurmOptions } from '../../vocabulary/slurm-options';
import { scancel, SlurmError } from '../../cluster/slurm';
import { readManifest } from '../../cluster/manifest';
import type { RunStore } from '../../db';
import { submitJobFolder } from '../../cluster/submit';
import { prepareBranchTask } from '../../cluster/prepare-task';
import type { ServiceOptions } from '../context';
import { listJobFolders, readJobView } from '../slurm-jobs';
import { validateRunGraph } from '../graph-runner';
import type { Handlers } from '../dispatch';

type SlurmHandlers = Pick<Handlers, 'slurm/submit' | 'slurm/submitGraph' | 'slurm/prepareTask' | 'slurm/jobs' | 'slurm/status' | 'slurm/collect' | 'slurm/cancel'>;

/** The request's options checked against the one schema; a bad one is a field error under `options`. */
function checkOptions(opts: ParsedInput<'slurm/submit'>['options']): SlurmOptions {
  const parsed = slurmOptionsSchema.safeParse({ ...opts, extra: opts?.extra ?? [] });
  if (parsed.success) return parsed.data;
  const fieldErrors = parsed.error.issues.map((i) => ({ path: `options.${i.path.join('.')}`, message: i.message }));
  throw new ApiError('bad-request', fieldErrors.map((e) => `${e.path}: ${e.message}`).join('; '), fieldErrors);
}

/**
 * `store`: the local store, open for writing (status then collects finished tasks as it goes), or
 * read-only or absent (status only reads).
 */
export function slurmHandlers(options: ServiceOptions, store: RunStore | null, onSubmitted: () => void = () => undefined): SlurmHandlers {
  const root = jobsRoot(options.storePath);
  const writable = store !== null && (options.access ?? 'write') === 'write';
  /** The folder a request names: by name under the jobs folder, or by path. */
  const folder = ({ job, dir }: { job?: string; dir?: string }): { dir: string; label: string } => {
    const found = dir !== undefined ? { dir: path.resolve(dir), label: dir } : { dir: path.join(root, job!), label: job! };
    if (!fs.existsSync(path.join(found.dir, MANIFEST_FILE))) {
      throw new ApiError('not-found', dir !== undefined ? `${dir} is not a Slurm job folder (no ${MANIFEST_FILE} in it)` : `no Slurm job '${job}' in ${root}`);
    }
    return found;
  };
  const requireWritable = (method: string): RunStore => {
    if (!writable || !store) throw new ApiError('unavailable', `${method}: this session opened the store only for reading`);
    return store;
  };
  const slurmErrors = <T>(body: () => T): T => {
    try {
      return body();
    } catch (err) {
      if (err instanceof SlurmError) throw new ApiError('unavailable', err.message);
      throw err;
    }
  };
  return {
    'slurm/submit': ({ config, name, tags, sweep, options: opts }) => {
      const options = checkOptions(opts);
      // The same expansion as runs/start: size cap before expanding, path guards, every config validated.
      const expanded = expandSweep(config, sweep ?? []);
      if (!expanded.ok) throw new ApiError(expanded.kind === 'invalid-config' ? 'invalid-config' : 'bad-request', expanded.message, expanded.errors);
      const { configs, combos } = expanded;
      const label = (name ?? 'app').replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 40) || 'app';
      const job = `${label}-${new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '')}-${Math.random().toString(36).slice(2, 6)}`;
      const dir = path.join(root, job);
      createJobFolder({ graph: sweepToGraph(configs, combos, { namePrefix: name, tags: tags ?? [] }), dir, name: label, options });
      const manifest = slurmErrors(() => submitJobFolder(dir));
      onSubmitted();
      return { job, jobIds: manifest.arrays.map((a) => a.jobId!), tasks: manifest.tasks.length };
    },
    'slurm/submitGraph': ({ runs, name, dir: asked, options: opts }) => {
      const options = checkOptions(opts);
      const graph = validateRunGraph({ runs });
      const label = name.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 40) || 'job';
      const dir = path.resolve(asked ?? path.join(root, `${label}-${new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '')}`));
      createJobFolder({ graph, dir, name, options });
      const manifest = slurmErrors(() => submitJobFolder(dir));
      onSubmitted();
      return { dir, jobIds: manifest.arrays.map((a) => a.jobId!), tasks: manifest.tasks.length };
    },
    'slurm/prepareTask': ({ dir, task }) => prepareBranchTask(dir, task),
    'slurm/jobs': () => listJobFolders(root),
    'slurm/status': (input) => {
      const { dir, label } = folder(input);
      return slurmErrors(() => readJobView(dir, label, store, writable && input.collect !== false ? store : null));
    },
    'slurm/collect': (input) => {
      const local = requireWritable('slurm/collect');
      const { dir } = folder(input);
      return slurmErrors(() => collectJob(dir, local));
    },
    'slurm/cancel': (input) => {
      const { dir } = folder(input);
      const jobIds = readManifest(dir).arrays.map((a) => a.jobId).filter((id): id is string => id !== null);
      slurmErrors(() => scancel(jobIds));
      return { jobIds };
    },
  } satisfies SlurmHandlers;
}
