// STaR in rounds on a real (tiny) trainer: a d=4 model after a short NTP, then rounds from its
// checkpoint. Structural (this model has not learned the chain, so it cannot follow the recursion;
// the d=8 measurement is in the README), but the refit is real: given a kept mix far from the model's
// own long share, one round must bring the sampled long share to it. ~15 s on two cores.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../compute/tfjs-runtime';
import { parseConfig, type ExperimentConfigInput } from '../../vocabulary/experiment-config';
import { METRIC } from '../../vocabulary/metric-keys';
import { runExperiment } from './experiment';
import { disposeStartPoint, fromCheckpoint, loadStartPoint } from './start-point';
import { GPT } from '../model/model';
import { starNext } from './star-rounds';
import { MemorySink } from './testing/memory-sink';

const base: ExperimentConfigInput = {
  task: { kind: 'parity', d: 4, p_cot: 0.25 },
  model: { layers: 1, heads: 2, width: 32, mlpRatio: 4 },
  ntp: { steps: 150, batchSize: 32, lr: 3e-3, warmupSteps: 20, schedule: 'cosine', weightDecay: 0, evalEvery: 0 },
  rl: null,
  eval: { heldOut: 64, samplesToLog: 0 },
  seed: 0,
  workers: 1,
};
const STAR_KEYS = [METRIC.starKeptLongShare, METRIC.starSampledLongShare, METRIC.starFinetuneSteps, METRIC.starCalibrated];

let ntp: MemorySink;

beforeAll(async () => {
  await initBackend('wasm');
  ntp = new MemorySink();
  await runExperiment(parseConfig(base), ntp);
}, 300_000);

/** Rounds (or one-step STaR) from the NTP checkpoint (step 150). */
async function star(rl: Record<string, unknown>): Promise<MemorySink> {
  const ckpt = ntp.checkpoints.at(-1)!;
  const config = parseConfig({
    ...base,
    ntp: { steps: 0 },
    rl: { algorithm: 'star', temperature: 1, groupSize: 4, promptsPerStep: 32, lr: 1e-3, evalEvery: 0, fromCheckpoint: { runId: 1, checkpointId: ckpt.id }, ...rl },
  });
  const start = fromCheckpoint(ckpt, config);
  const sink = new MemorySink();
  try {
    expect((await runExperiment(config, sink, undefined, { start })).status).toBe('completed');
  } finally {
    disposeStartPoint(start);
  }
  return sink;
}

describe('STaR in rounds', () => {
  it('runs each RL step as a round: star metrics, evaluation and theory every round', async () => {
    const before = tf.memory().numTensors;
    const s = await star({ steps: 3, reward: 'end-to-end', star: { finetuneStepsMax: 40, calibrationTolerance: 0.05 } });
    expect(tf.memory().numTensors).toBe(before);
    const steps = (key: string) => s.series(key, 'rl').map((r) => r.step);
    const values = (key: string) => s.series(key, 'rl').map((r) => r.value);

    // the x axis is the round: RL steps 151-153 after the checkpoint's 150
    for (const key of [...STAR_KEYS, METRIC.starTheoryLongShare, METRIC.rewardMean, METRIC.longShare, METRIC.rlLoss]) expect(steps(key), key).toEqual([151, 152, 153]);
    // evaluated after every round although evalEvery is 0 (and at the start)
    expect(steps(METRIC.greedyAccuracy)).toEqual([150, 151, 152, 153]);
    expect(steps(METRIC.greedyLengthMedian)).toEqual([150, 151, 152, 153]);
    // a round's samples: promptsPerStep x groupSize
    expect(s.rows.find((r) => r.step === 152)!.samplesSeen - s.rows.find((r) => r.step === 151)!.samplesSeen).toBe(128);

    // the theory of round r is 2p/(1+p) of round r-1's sampled share
    const sampled = values(METRIC.starSampledLongShare);
    const theory = values(METRIC.starTheoryLongShare);
    for (let r = 1; r < 3; r++) expect(theory[r]).toBeCloseTo(starNext(sampled[r - 1]!), 12);
    expect(theory[0]).toBeGreaterThan(0);

    // every round fine-tuned; a round that ended calibrated is within the tolerance of its kept mix
    const kept = values(METRIC.starKeptLongShare);
    const ft = values(METRIC.starFinetuneSteps);
    const calibrated = values(METRIC.starCalibrated);
    ft.forEach((n) => expect(n).toBeGreaterThanOrEqual(1));
    ft.forEach((n) => expect(n).toBeLessThanOrEqual(40));
    calibrated.forEach((c, i) => {
      if (c === 1) expect(Math.abs(sampled[i]! - kept[i]!)).toBeLessThanOrEqual(0.05);
      else expect(ft[i]).toBe(40);
    });
    expect(s.checkpoints.map((c) => [c.phase, c.step])).toEqual([['rl', 153]]);
  }, 300_000);

  it('refits until calibrated: the sampled long share (at temperature 1) moves to the kept mix', async () => {
    // rollouts at tau = 0.3 are almost greedy, hence almost all short: the kept mix has (almost) no
    // long responses, while the start model samples long about a quarter of the time at tau = 1
    const s = await star({ steps: 1, reward: 'end-to-end', temperature: 0.3, star: { finetuneStepsMax: 60, calibrationTolerance: 0.05 } });
    const at = (key: string) => s.series(key, 'rl').map((r) => r.value);
    const startShare = at(METRIC.sampledLongShare)[0]!; // the evaluation at the start
    const [kept] = at(METRIC.starKeptLongShare);
    const [after] = at(METRIC.starSampledLongShare);
    expect(startShare - kept!, `start ${startShare}, kept ${kept}`).toBeGreaterThan(0.15);
    expect(at(METRIC.starCalibrated)).toEqual([1]);
    expect(Math.abs(after! - kept!), `after ${after}`).toBeLessThanOrEqual(0.05);
    // and the evaluation after the round (other prompts' seeds) agrees
    expect(at(METRIC.sampledLongShare)[1]!).toBeLessThan(startShare - 0.1);
  }, 300_000);

  it('resumes between rounds with the weights of an uninterrupted run (each round from the start model)', async () => {
    const parent = ntp.checkpoints.at(-1)!;
    const PARENT_ID = 1000; // the parent's checkpoint, apart from the ids the run's own sink hands out
    const config = parseConfig({
      ...base,
      ntp: { steps: 0 },
      rl: { steps: 3, algorithm: 'star', groupSize: 4, promptsPerStep: 16, lr: 1e-3, checkpointEvery: 1, fromCheckpoint: { runId: 1, checkpointId: PARENT_ID }, star: { init: 'start', finetuneStepsMax: 10 } },
    });
    const source = (own: MemorySink) => ({
      getCheckpoint: (id: number) => (id === PARENT_ID ? { ...parent, id } : own.checkpoints.find((c) => c.id === id)),
      latestCheckpoint: () => own.checkpoints.at(-1),
      listCheckpoints: () => own.checkpoints,
    });
    const train = async (sink: MemorySink, hooks?: { beforeStep(phase: string, step: number): void }) => {
      const start = loadStartPoint(source(sink), 1, config);
      try {
        return await runExperiment(config, sink, undefined, { start, hooks });
      } finally {
        disposeStartPoint(start);
      }
    };
    const whole = new MemorySink();
    await train(whole);
    const attempt = new MemorySink();
    await expect(train(attempt, { beforeStep: (p, i) => { if (p === 'rl' && i === 2) throw new Error('crash'); } })).rejects.toThrow('crash');
    expect(attempt.checkpoints.map((c) => c.step)).toEqual([151, 152]);
    await train(attempt); // resumes from its step-152 checkpoint: round 3 only
    expect(attempt.series(METRIC.starKeptLongShare).map((r) => r.step)).toEqual([151, 152, 153]);
    expect(attempt.series(METRIC.starKeptLongShare)).toEqual(whole.series(METRIC.starKeptLongShare));
    const a = GPT.fromBytes(whole.checkpoints.at(-1)!.bytes);
    const b = GPT.fromBytes(attempt.checkpoints.at(-1)!.bytes);
    let maxDiff = 0;
    a.variables.forEach((v, i) => {
      const x = v.dataSync();
      const y = b.variables[i]!.dataSync();
      for (let j = 0; j < x.length; j++) maxDiff = Math.max(maxDiff, Math.abs(x[j]! - y[j]!));
    });
    a.dispose();
    b.dispose();
    expect(maxDiff).toBeLessThan(1e-6);
  }, 300_000);

  it('keeps the one-step STaR reachable (mode one-step): one gradient step per RL step, no rounds', async () => {
    const s = await star({ steps: 2, reward: 'end-to-end', star: { mode: 'one-step' } });
    for (const key of STAR_KEYS) expect(s.series(key)).toEqual([]);
    expect(s.series(METRIC.rlLoss, 'rl').map((r) => r.step)).toEqual([151, 152]);
    expect(s.series(METRIC.greedyAccuracy, 'rl').map((r) => r.step)).toEqual([150, 152]); // evalEvery 0: the end only
  }, 300_000);
});
