// The mechanism on a real training run: after NTP below the threshold the model's probability of
// continuing the chain sits near the theory's 2p/(1+p) (< 1/2, so greedy decoding stops short), and
// RL lifts it past 1/2 no later than greedy accuracy jumps. d=8, the headline's model; ~30 s on 2 cores.
// 350 NTP steps: with per-prompt-group rollout streams (data-parallel RL) 250 left this seed's chain
// at 80% greedy even once decoding went long, which hid the jump; at 350 the chain is learned (measured:
// continue 0.42 -> 0.51 at RL step 3, greedy accuracy 0.46 -> 0.92 at step 4).
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../compute/tfjs-runtime';
import { parseConfig } from '../../vocabulary/experiment-config';
import { METRIC } from '../../vocabulary/metric-keys';
import { branchTheory, GREEDY_BOUNDARY } from '../../vocabulary/charts/theory';
import { runExperiment } from './experiment';
import { MemorySink } from './testing/memory-sink';

beforeAll(async () => {
  await initBackend('wasm');
});

const P_COT = 0.25;
const config = parseConfig({
  task: { kind: 'parity', d: 8, p_cot: P_COT },
  model: { layers: 2, heads: 4, width: 128, mlpRatio: 4 },
  ntp: { steps: 350, batchSize: 64, lr: 1e-3, warmupSteps: 20, schedule: 'cosine', weightDecay: 0, gradClip: 1, evalEvery: 350 },
  rl: { steps: 6, algorithm: 'grpo', reward: 'end-to-end', groupSize: 8, promptsPerStep: 16, lr: 1e-4, evalEvery: 1 },
  eval: { heldOut: 128, samplesToLog: 0 },
  seed: 0,
});

describe('branch probabilities during training', () => {
  it('sit near 2p/(1+p) after NTP and cross 1/2 when greedy accuracy jumps during RL', async () => {
    const sink = new MemorySink();
    expect((await runExperiment(config, sink)).status).toBe('completed');
    const at = (key: string, phase: 'ntp' | 'rl') => sink.series(key, phase).map((r) => r.value);

    // After NTP: the chain is learned but not the parity. Measured here: 0.444 against 0.400
    // (the headline, d=20: 0.425 against 0.400), so the tolerance is 0.1.
    const [continueAfterNtp] = at(METRIC.branchContinue, 'ntp').slice(-1);
    expect(Math.abs(continueAfterNtp - branchTheory(P_COT).continueLong)).toBeLessThan(0.1);
    expect(continueAfterNtp).toBeLessThan(GREEDY_BOUNDARY);
    expect(at(METRIC.greedyAccuracy, 'ntp').at(-1)!).toBeLessThan(0.9);

    // During RL: the continue probability passes 1/2 no later than greedy accuracy reaches 90%,
    // and greedy accuracy is never high while it is below 1/2.
    const cont = at(METRIC.branchContinue, 'rl');
    const acc = at(METRIC.greedyAccuracy, 'rl');
    const crossed = cont.findIndex((c) => c > GREEDY_BOUNDARY);
    const solved = acc.findIndex((a) => a >= 0.9);
    expect(solved, `greedy accuracy during RL: ${acc.join(', ')}`).toBeGreaterThanOrEqual(0);
    expect(crossed).toBeGreaterThanOrEqual(0);
    expect(crossed).toBeLessThanOrEqual(solved);
    acc.forEach((a, i) => {
      if (a >= 0.9) expect(cont[i]).toBeGreaterThan(GREEDY_BOUNDARY);
    });
  }, 600_000); // ~75 s on an idle 2-core machine, several minutes under load
});
