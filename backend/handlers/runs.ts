import { ApiError } from '../../api/contract';
import { expandSweep, type SweepExpansion } from '../../api/sweep';
import type { ExperimentConfig } from '../../api/types';
import { ConfigPathError, setPath } from '../../vocabulary/config-paths';
import { groupKey, validateConfig } from '../../vocabulary/experiment-config';
import type { Handlers } from '../dispatch';
import type { ServiceContext } from '../context';
import { notesPreview, toRunDetail, toRunSummary } from '../mappers';
import { defaultRunName } from '../../vocabulary/run-names';

type RunHandlers = Pick<
  Handlers,
  'runs/list' | 'runs/get' | 'runs/start' | 'runs/branch' | 'runs/stop' | 'runs/resume' | 'runs/update' | 'runs/delete' | 'runs/checkpoints' | 'runs/samples' | 'runs/sampleSteps'
>;

/** A failed expansion as the API error it is: too large or a bad path is the request's fault, a bad value the config's. */
function expansionError(failed: Extract<SweepExpansion, { ok: false }>): ApiError {
  return new ApiError(failed.kind === 'invalid-config' ? 'invalid-config' : 'bad-request', failed.message, failed.errors);
}

/** The overrides applied one by one; a path that cannot be a config field is a field error under `overrides`. */
function applyOverrides(base: unknown, overrides: Record<string, unknown>): unknown {
  let config = base ?? {};
  for (const [path, value] of Object.entries(overrides)) {
    try {
      config = setPath(config, path, value);
    } catch (err) {
      if (!(err instanceof ConfigPathError)) throw err;
      throw new ApiError('bad-request', `overrides: ${err.message}`, [{ path: `overrides.${path}`, message: err.message }]);
    }
  }
  return config;
}

export function runHandlers(ctx: ServiceContext): RunHandlers {
  const { store, queue, trainers, hub } = ctx;

  function requireRun(id: number) {
    const run = store.getRun(id);
    if (!run) throw new ApiError('not-found', `no run with id ${id}`);
    return run;
  }

  type Parent = { runId: number; checkpointId: number; step: number };

  /**
   * The checkpoint a started config branches from (`rl.fromCheckpoint` with no NTP steps, as in a
   * clone of a branched run), so it is linked and grouped like a run made by runs/branch.
   */
  function branchParent(config: ExperimentConfig): Parent | undefined {
    const ref = config.rl?.fromCheckpoint;
    if (!ref || config.ntp.steps !== 0) return undefined;
    const checkpoint = store.listCheckpoints(ref.runId).find((c) => c.id === ref.checkpointId);
    if (!checkpoint) {
      const message = `rl.fromCheckpoint: run ${ref.runId} has no checkpoint ${ref.checkpointId} in this store`;
      throw new ApiError('invalid-config', message, [{ path: 'rl.fromCheckpoint', message }]);
    }
    return { runId: ref.runId, checkpointId: checkpoint.id, step: checkpoint.step };
  }

  function queueRuns(configs: ExperimentConfig[], name: string | undefined, tags: string[], parentOf: (config: ExperimentConfig) => Parent | undefined): number[] {
    // Every parent is checked before the first run is created: a bad one queues nothing.
    const parents = configs.map(parentOf);
    const ids = configs.map((config, i) =>
      store.createRun({
        name: name && configs.length === 1 ? name : `${name ? `${name} ` : ''}${defaultRunName(config)}`,
        config,
        seed: config.seed,
        groupKey: groupKey(config, parents[i]?.step ?? null),
        tags,
        parentRunId: parents[i]?.runId ?? null,
        parentCheckpointId: parents[i]?.checkpointId ?? null,
      }),
    );
    for (const runId of ids) hub.emit({ type: 'run/status', runId, status: 'queued', error: null });
    queue.enqueue(...ids);
    return ids;
  }

  return {
    // Notes can be 20,000 characters: a list reply carries a preview, the detail the full text.
    'runs/list': (filter) => store.listRuns({ ...filter }).map((r) => notesPreview(toRunSummary(r))),
    'runs/get': ({ id }) => toRunDetail(requireRun(id)),
    'runs/start': ({ config, name, tags, sweep }) => {
      const expanded = expandSweep(config, sweep ?? []);
      if (!expanded.ok) throw expansionError(expanded);
      return { runIds: queueRuns(expanded.configs, name, tags ?? [], branchParent) };
    },
    'runs/branch': ({ checkpointId, overrides, name }) => {
      const checkpoint = store.getCheckpoint(checkpointId);
      if (!checkpoint) throw new ApiError('not-found', `no checkpoint with id ${checkpointId}`);
      const parent = requireRun(checkpoint.runId);
      // RL starts from the stored weights: no NTP phase of its own.
      const base = applyOverrides(parent.config, { 'ntp.steps': 0, ...overrides });
      const checked = validateConfig(setPath(base, 'rl.fromCheckpoint', { runId: parent.id, checkpointId }));
      if (!checked.ok) {
        throw new ApiError('invalid-config', `invalid config: ${checked.errors.map((e) => e.message).join('; ')}`, checked.errors.map(({ path, message }) => ({ path, message })));
      }
      const runIds = queueRuns([checked.config], name ?? `${parent.name} → RL from step ${checkpoint.step}`, parent.tags, () => ({ runId: parent.id, checkpointId, step: checkpoint.step }));
      return { runIds };
    },
    'runs/stop': ({ id }) => {
      const run = requireRun(id);
      if (trainers.stop(id)) return { stopped: true };
      if (run.status === 'queued') {
        queue.remove(id);
        store.setStatus(id, 'stopped', 'cancelled before it started');
        hub.emit({ type: 'run/status', runId: id, status: 'stopped', error: 'cancelled before it started' });
        return { stopped: true };
      }
      return { stopped: false };
    },
    'runs/resume': ({ id, fromStart }) => {
      const run = requireRun(id);
      if (!['interrupted', 'stopped', 'failed'].includes(run.status) || trainers.isRunning(id)) {
        throw new ApiError('conflict', `run ${id} is ${run.status}: only interrupted, stopped or failed runs can resume`);
      }
      let fromStep: number | null = null;
      if (fromStart || (run.lastStep == null && !store.latestCheckpoint(id))) {
        store.prepareRestart(id);
      } else {
        // Without a checkpoint a resume is a restart that drops every logged row: only on request.
        if (!store.latestCheckpoint(id)) {
          throw new ApiError('conflict', `run ${id} has no checkpoint to resume from: restarting it from step 0 drops its rows up to step ${run.lastStep}; ask for that with fromStart: true`);
        }
        // Drops what was logged after the last checkpoint and re-queues; the trainer picks up from that checkpoint.
        fromStep = store.prepareResume(id)!.step;
      }
      hub.emit({ type: 'run/status', runId: id, status: 'queued', error: null });
      queue.enqueue(id);
      return { runIds: [id], fromStep };
    },
    'runs/update': ({ id, ...patch }) => {
      requireRun(id);
      store.updateRun(id, patch);
      return toRunSummary(requireRun(id));
    },
    'runs/delete': ({ ids }) => {
      let deleted = 0;
      for (const id of ids) {
        if (trainers.isRunning(id)) throw new ApiError('conflict', `run ${id} is running: stop it before deleting`);
      }
      for (const id of ids) {
        if (!store.getRun(id)) continue;
        queue.remove(id);
        store.deleteRun(id);
        deleted += 1;
      }
      return { deleted };
    },
    'runs/checkpoints': ({ id }) => toRunDetail(requireRun(id)).checkpoints,
    'runs/sampleSteps': ({ id }) => {
      requireRun(id);
      return store.sampleSteps(id);
    },
    'runs/samples': ({ id, limit, step }) => {
      requireRun(id);
      return store.listSamples(id, { limit: limit ?? 50, step }).map(({ phase, step, kind, prompt, response, correct, length }) => ({ phase, step, kind, prompt, response, correct, length }));
    },
  } satisfies RunHandlers;
}
