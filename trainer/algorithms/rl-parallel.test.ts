import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../compute/tfjs-runtime';
import { DataParallel } from '../compute/data-parallel';
import { parseConfig, responseCap, type ExperimentConfig } from '../../vocabulary/experiment-config';
import { METRIC } from '../../vocabulary/metric-keys';
import { modelConfigFor } from '../model/model-config';
import { GPT } from '../model/model';
import { RlTrainer } from './rl';
import { evaluate } from './eval';
import { NtpTrainer } from './ntp';
import { makeTask } from '../tasks';

beforeAll(async () => {
  await initBackend('wasm');
});

const base = {
  task: { kind: 'parity', d: 6, p_cot: 0.5 },
  model: { layers: 1, heads: 2, width: 32, mlpRatio: 2 },
  ntp: { steps: 0 },
  seed: 3,
} as const;
// epochs 2 and a KL penalty: the old-policy and reference log-probs cross the epochs on every replica
const grpo = parseConfig({ ...base, rl: { steps: 3, algorithm: 'grpo', groupSize: 4, promptsPerStep: 6, lr: 3e-3, epochs: 2, klCoef: 0.1, temperature: 1.5 } });
const star = parseConfig({ ...base, rl: { steps: 3, algorithm: 'star', reward: 'end-to-end', groupSize: 4, promptsPerStep: 6, lr: 3e-3, epochs: 2, temperature: 1.5 } });

const pools: DataParallel[] = [];
afterAll(async () => {
  await Promise.all(pools.map((p) => p.close()));
});

interface Trace {
  metrics: Record<string, number>[];
  rollouts: string[][];
  weights: Float32Array[];
}

/** `steps` RL steps from the seed's random model with `workers` replicas (1 = this thread alone). */
async function train(config: ExperimentConfig, workers: number): Promise<Trace> {
  const model = new GPT(modelConfigFor(config), config.seed);
  const ref = GPT.fromBytes(model.toBytes());
  const parallel = workers > 1 ? await DataParallel.start(workers, model, ref) : null;
  if (parallel) pools.push(parallel);
  const cap = responseCap(config);
  const trainer = new RlTrainer(model, ref, makeTask(config.task), config.rl!, { maxNewTokens: cap, seed: config.seed, rolloutsToLog: 24, parallel });
  const trace: Trace = { metrics: [], rollouts: [], weights: [] };
  for (let i = 0; i < config.rl!.steps; i++) {
    const r = await trainer.step(i);
    trace.metrics.push(r.metrics);
    trace.rollouts.push(r.rollouts.map((x) => x.response));
  }
  trace.weights = model.variables.map((v) => (v.dataSync() as Float32Array).slice());
  trainer.dispose();
  model.dispose();
  ref.dispose();
  return trace;
}

const maxAbsDiff = (a: Float32Array[], b: Float32Array[]) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) for (let j = 0; j < a[i].length; j++) m = Math.max(m, Math.abs(a[i][j] - b[i][j]));
  return m;
};

describe('data-parallel evaluation (held-out prompts split over the replicas)', () => {
  it('gives the same greedy and sampled results as one thread (one rng stream per prompt)', async () => {
    const config = parseConfig({ ...base, ntp: { steps: 20, batchSize: 16, lr: 3e-3, warmupSteps: 0 } });
    const task = makeTask(config.task);
    const model = new GPT(modelConfigFor(config), config.seed);
    // a little NTP, so greedy and sampled answers differ from prompt to prompt
    const ntp = new NtpTrainer(model, task, config.ntp, config.seed);
    for (let i = 0; i < config.ntp.steps; i++) await ntp.step(i, false);
    ntp.dispose();
    const heldOut = task.heldOut(config.seed, 21); // odd: shards of 11 and 10
    const opts = { maxNewTokens: responseCap(config), sampleTemperature: 1.5, seed: 9, samplesToLog: 21 };
    const one = await evaluate(model, task, heldOut, opts);
    const parallel = await DataParallel.start(2, model);
    pools.push(parallel);
    const two = await evaluate(model, task, heldOut, { ...opts, parallel });
    expect(two.samples).toEqual(one.samples);
    expect(two.metrics).toEqual(one.metrics);
    // the sampled generations are not the greedy ones (the check above covers sampling too)
    const responses = (kind: string) => one.samples.filter((x) => x.kind === kind).map((x) => x.response);
    expect(responses('sampled')).not.toEqual(responses('greedy'));
    model.dispose();
  }, 60_000);
});

describe('data-parallel RL (rollouts and update by prompt groups on worker threads)', () => {
  for (const [name, config] of [['GRPO', grpo], ['STaR', star]] as const) {
    it(`${name}: bit for bit for a given worker count; across 1 and 2 workers the first step agrees within float tolerance`, async () => {
      const one = await train(config, 1);
      const twoA = await train(config, 2);
      const twoB = await train(config, 2);
      // same seed, same worker count: identical rollouts, metrics and weights
      expect(twoB.rollouts).toEqual(twoA.rollouts);
      expect(twoB.metrics).toEqual(twoA.metrics);
      expect(maxAbsDiff(twoA.weights, twoB.weights)).toBe(0);
      // across worker counts: the same rollouts (one rng stream per prompt group), the same rewards,
      // and the update's loss, entropy and gradient norm equal up to the float summation order
      expect(twoA.rollouts[0]).toEqual(one.rollouts[0]);
      const [m1, m2] = [one.metrics[0], twoA.metrics[0]];
      expect(m2[METRIC.rewardMean]).toBe(m1[METRIC.rewardMean]);
      for (const key of [METRIC.loss, METRIC.gradNorm, METRIC.entropy, METRIC.kl]) {
        expect(m1[key], key).toBeDefined();
        expect(Math.abs(m2[key] - m1[key]), key).toBeLessThan(1e-4);
      }
      // the update did something (a broken one would agree trivially)
      expect(m1[METRIC.gradNorm]).toBeGreaterThan(1e-3);
      const init = new GPT(modelConfigFor(config), config.seed);
      expect(maxAbsDiff(one.weights, init.variables.map((v) => v.dataSync() as Float32Array))).toBeGreaterThan(1e-3);
      init.dispose();
    }, 120_000);
  }
});
