import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../compute/tfjs-runtime';
import { disposeStartPoint, fromCheckpoint, loadStartPoint, type StoredCheckpoint } from './start-point';
import { parseConfig, type ExperimentConfigInput } from '../../vocabulary/experiment-config';
import { runExperiment } from './experiment';
import { MemorySink } from './testing/memory-sink';
import { GPT } from '../model/model';
import { METRIC } from '../../vocabulary/metric-keys';

beforeAll(async () => {
  await initBackend('wasm');
});

// d=6 chain learned by NTP from a 40/60 mixture, then STaR with the chain reward (long share
// should follow p -> 2p/(1+p)). ~30 s on two cores.
const base: ExperimentConfigInput = {
  task: { kind: 'parity', d: 6, p_cot: 0.4 },
  model: { layers: 2, heads: 4, width: 64, mlpRatio: 4 },
  ntp: { steps: 300, batchSize: 32, lr: 3e-3, warmupSteps: 10, schedule: 'cosine', weightDecay: 0, evalEvery: 150 },
  rl: { steps: 8, algorithm: 'star', reward: 'chain', groupSize: 4, promptsPerStep: 16, lr: 1e-3, evalEvery: 4 },
  eval: { heldOut: 64, samplesToLog: 2 },
  seed: 3,
};

const RL_KEYS = [
  METRIC.rewardMean, METRIC.rewardStd, METRIC.fracRewardZeroStd, METRIC.lengthMean, METRIC.lengthMin, METRIC.lengthMax,
  METRIC.truncatedRatio, METRIC.longShare, METRIC.entropy, METRIC.kl, METRIC.clipRatio, METRIC.lr, METRIC.stepTimeMs,
];
const EVAL_KEYS = [
  METRIC.greedyAccuracy, METRIC.sampledAccuracy, METRIC.greedyLengthMedian, METRIC.greedyLengthMean,
  METRIC.greedyLengthMin, METRIC.greedyLengthMax, METRIC.sampledLongShare, METRIC.greedyLongShare, METRIC.truncatedShare,
];

/** A run store holding one run (id 1) with these checkpoints, as loadStartPoint reads it. */
function storeOf(sink: { checkpoints: (StoredCheckpoint & { id: number })[] }) {
  const list = [...sink.checkpoints].sort((a, b) => a.step - b.step || a.id - b.id);
  return {
    getCheckpoint: (id: number) => list.find((c) => c.id === id),
    latestCheckpoint: () => list.at(-1),
    listCheckpoints: () => list,
  };
}

describe('runExperiment', () => {
  let sink: MemorySink;

  it('runs NTP then RL: RL raises the long share, logs every RL metric every step, checkpoints, summarizes', async () => {
    const config = parseConfig(base);
    sink = new MemorySink();
    const before = tf.memory().numTensors;
    const res = await runExperiment(config, sink);
    expect(tf.memory().numTensors).toBe(before);
    expect(res.status).toBe('completed');

    // NTP learned the chain: with p_cot=0.4 the loss cannot go below ~0.27 (the first-token and
    // stop/continue coin flips of a model that knows the chain but not the parity)
    const loss = sink.series(METRIC.loss, 'ntp');
    expect(loss.at(-1)!.value).toBeLessThan(0.33);
    for (const key of EVAL_KEYS) expect(sink.series(key, 'ntp').map((r) => r.step)).toEqual([150, 300]);

    // RL: every metric every step, steps continuing after NTP's
    for (const key of RL_KEYS) expect(sink.series(key, 'rl').map((r) => r.step), key).toEqual([301, 302, 303, 304, 305, 306, 307, 308]);
    // RL's objective is logged apart from NTP's cross-entropy, so no chart joins the two
    expect(sink.series(METRIC.loss, 'rl')).toEqual([]);
    expect(sink.series(METRIC.rlLoss, 'rl').length).toBeGreaterThan(0);
    const long = sink.series(METRIC.longShare, 'rl').map((r) => r.value);
    const first = (long[0] + long[1]) / 2;
    const last = (long[6] + long[7]) / 2;
    expect(last).toBeGreaterThan(first + 0.15);

    // checkpoints at the end of each phase, self-describing
    expect(sink.checkpoints.map((c) => [c.phase, c.step])).toEqual([['ntp', 300], ['rl', 308]]);
    expect((sink.checkpoints[0].meta as { modelConfig: { nEmbd: number } }).modelConfig.nEmbd).toBe(64);

    expect(res.summary.ntp).not.toBeNull();
    expect(res.summary.rl!.sampledLongShare).toBe(sink.series(METRIC.sampledLongShare, 'rl').at(-1)!.value);
    expect(sink.sampleRows.some((s) => s.kind === 'rollout')).toBe(true);
    expect(sink.sampleRows.find((s) => s.kind === 'greedy')!.prompt).toMatch(/^[01]( [01]){5} =$/);
    expect(sink.events.at(-1)).toMatchObject({ phase: 'rl', step: 8, totalSteps: 8 });
  });

  it('starts GRPO from a stored checkpoint, continuing its step count', async () => {
    const ckpt = sink.checkpoints[0];
    const config = parseConfig({
      ...base,
      ntp: { steps: 0 },
      rl: { steps: 2, algorithm: 'grpo', epochs: 2, klCoef: 0.1, groupSize: 4, promptsPerStep: 8, evalEvery: 0, fromCheckpoint: { runId: 1, checkpointId: ckpt.id } },
    });
    const start = fromCheckpoint(ckpt, config);
    const s = new MemorySink();
    const res = await runExperiment(config, s, undefined, { start });
    disposeStartPoint(start);
    expect(res.status).toBe('completed');
    expect(res.summary.ntp).toBeNull();
    // the start is measured first (step 300), then steps 301, 302
    expect(s.series(METRIC.greedyAccuracy, 'rl').map((r) => r.step)).toEqual([300, 302]);
    const clip = s.series(METRIC.clipRatio, 'rl');
    expect(clip.map((r) => r.step)).toEqual([301, 302]);
    for (const r of clip) expect(r.value).toBeGreaterThanOrEqual(0);
    expect(s.series(METRIC.kl, 'rl')[0].value).toBeCloseTo(0, 5); // the policy is the reference at the first step
  });

  it('runs a REINFORCE step with the chain reward from the same checkpoint', async () => {
    const ckpt = sink.checkpoints[0];
    const config = parseConfig({
      ...base,
      ntp: { steps: 0 },
      rl: { steps: 1, algorithm: 'reinforce', reward: 'chain', groupSize: 1, promptsPerStep: 16, evalEvery: 0, fromCheckpoint: { runId: 1, checkpointId: ckpt.id } },
    });
    const start = fromCheckpoint(ckpt, config);
    const s = new MemorySink();
    await runExperiment(config, s, undefined, { start });
    disposeStartPoint(start);
    expect(s.series(METRIC.gradNorm, 'rl')[0].value).toBeGreaterThan(0);
    expect(s.series(METRIC.fracRewardZeroStd, 'rl')[0].value).toBe(1); // groups of one never vary
  });

  it('refuses a checkpoint trained on another task', () => {
    const ckpt = sink.checkpoints[0];
    const other = parseConfig({ ...base, task: { kind: 'parity', d: 7, p_cot: 0.4 }, ntp: { steps: 0 }, rl: { fromCheckpoint: { runId: 1, checkpointId: 1 } } });
    expect(() => fromCheckpoint({ id: 1, phase: 'ntp', step: 300, bytes: ckpt.bytes, meta: ckpt.meta }, other)).toThrow(/does not match task/);
  });

  it('stops within one step of the abort', async () => {
    const config = parseConfig({ ...base, ntp: { ...base.ntp, steps: 1000, evalEvery: 0 }, rl: null });
    const s = new MemorySink();
    const abort = new AbortController();
    let stepsAfterAbort = 0;
    const res = await runExperiment(config, s, abort.signal, {
      hooks: {
        beforeStep(_phase, step) {
          if (abort.signal.aborted) stepsAfterAbort++;
          if (step === 3) setImmediate(() => abort.abort());
        },
      },
    });
    expect(res.status).toBe('stopped');
    expect(stepsAfterAbort).toBe(0);
    expect(s.series(METRIC.loss).length).toBeLessThanOrEqual(5);
  });

  it('resumes an interrupted run from its last checkpoint, in NTP and in RL', async () => {
    const config = parseConfig({
      ...base,
      ntp: { ...base.ntp, steps: 20, evalEvery: 0, checkpointEvery: 10 },
      rl: { steps: 4, algorithm: 'grpo', groupSize: 2, promptsPerStep: 4, evalEvery: 0, checkpointEvery: 2 },
    });
    // first attempt dies after NTP step 13 (0-based 12): only the step-10 checkpoint survives
    const first = new MemorySink();
    const fail = { beforeStep: (p: string, step: number) => { if (p === 'ntp' && step === 13) throw new Error('crash'); } };
    await expect(runExperiment(config, first, undefined, { hooks: fail })).rejects.toThrow('crash');
    expect(first.checkpoints.map((c) => c.step)).toEqual([10]);

    const second = new MemorySink();
    const resumeNtp = loadStartPoint(storeOf(first), 1, config);
    expect(resumeNtp).toMatchObject({ initFrom: 'resume', phase: 'ntp', step: 10, samplesSeen: 320 });
    const res = await runExperiment(config, second, undefined, { start: resumeNtp });
    disposeStartPoint(resumeNtp);
    expect(res.status).toBe('completed');
    expect(second.series(METRIC.loss, 'ntp').map((r) => r.step)).toEqual([11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
    expect(second.series(METRIC.rewardMean, 'rl').map((r) => r.step)).toEqual([21, 22, 23, 24]);
    expect(second.rows.find((r) => r.step === 11)!.samplesSeen).toBe(352);
    const pausedAt = (first.checkpoints[0].meta as { wallTime: number }).wallTime;
    expect(second.rows.find((r) => r.step === 11)!.wallTime).toBeGreaterThan(pausedAt);

    // resume inside RL from the step-22 checkpoint, with the NTP end (step 20) as the KL reference
    const third = new MemorySink();
    const upTo22 = second.checkpoints.filter((c) => c.step <= 22);
    const resumeRl = loadStartPoint(storeOf({ checkpoints: upTo22 }), 1, config);
    expect(resumeRl).toMatchObject({ initFrom: 'resume', phase: 'rl', step: 22 });
    await runExperiment(config, third, undefined, { start: resumeRl });
    disposeStartPoint(resumeRl);
    expect(third.series(METRIC.loss, 'ntp')).toEqual([]);
    expect(third.series(METRIC.rewardMean, 'rl').map((r) => r.step)).toEqual([23, 24]);
    expect(third.series(METRIC.kl, 'rl')[0].value).toBeGreaterThan(0); // measured against the NTP model, not itself
  });

  it('a run interrupted and resumed ends with the weights of an uninterrupted one (AdamW moments and data stream restored)', async () => {
    const config = parseConfig({
      ...base,
      model: { layers: 1, heads: 2, width: 16, mlpRatio: 2 },
      ntp: { ...base.ntp, steps: 12, batchSize: 8, evalEvery: 0, checkpointEvery: 4 },
      rl: { steps: 4, algorithm: 'grpo', groupSize: 2, promptsPerStep: 4, evalEvery: 0, checkpointEvery: 2 },
      eval: { heldOut: 8, samplesToLog: 0 },
    });
    const whole = new MemorySink();
    await runExperiment(config, whole);
    const finalBytes = whole.checkpoints.at(-1)!.bytes;

    // interrupted in NTP (after the step-8 checkpoint) and again in RL (after the step-14 one)
    for (const crashAt of [{ phase: 'ntp', step: 9 }, { phase: 'rl', step: 3 }]) {
      const attempt = new MemorySink();
      const dies = { beforeStep: (p: string, step: number) => { if (p === crashAt.phase && step === crashAt.step) throw new Error('crash'); } };
      await expect(runExperiment(config, attempt, undefined, { hooks: dies })).rejects.toThrow('crash');
      const start = loadStartPoint(storeOf(attempt), 1, config);
      expect(start).toMatchObject({ initFrom: 'resume', phase: crashAt.phase, step: crashAt.phase === 'ntp' ? 8 : 14 });
      expect(start.initFrom === 'resume' && start.trainer?.optimizer.t).toBe(crashAt.phase === 'ntp' ? 8 : 2);
      const resumed = new MemorySink();
      await runExperiment(config, resumed, undefined, { start });
      disposeStartPoint(start);
      const a = GPT.fromBytes(finalBytes);
      const b = GPT.fromBytes(resumed.checkpoints.at(-1)!.bytes);
      const av = a.variables.map((v) => v.dataSync() as Float32Array);
      const bv = b.variables.map((v) => v.dataSync() as Float32Array);
      let maxDiff = 0;
      for (let i = 0; i < av.length; i++) for (let j = 0; j < av[i].length; j++) maxDiff = Math.max(maxDiff, Math.abs(av[i][j] - bv[i][j]));
      expect(maxDiff, `resumed in ${crashAt.phase}`).toBeLessThan(1e-6);
      a.dispose();
      b.dispose();
    }
  });

  it('propagates a failing step as a rejection', async () => {
    const config = parseConfig({ ...base, rl: null });
    const hooks = { beforeStep: (_p: string, step: number) => { if (step === 2) throw new Error('boom at 2'); } };
    await expect(runExperiment(config, new MemorySink(), undefined, { hooks })).rejects.toThrow('boom at 2');
  });
});
