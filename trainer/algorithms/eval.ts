// Evaluation on the held-out prompts: one batched greedy and one batched sampled generation,
// scored with the task's answer/length rules (a response that hits the cap without EOS is wrong).
// Each prompt samples from its own rng stream, so the prompts can be split over data-parallel
// replicas and the evaluation comes out the same for any worker count.
import type { SampleRow } from '../../db/types';
import { generate } from '../model/generate';
import { shardRanges, type DataParallel } from '../compute/data-parallel';
import { streamSeed } from '../model/rng';
import { measureBranchProbabilities } from './branch-probabilities';
import { METRIC } from '../../vocabulary/metric-keys';
import { lengthStats, share } from '../model/stats';
import type { Example, Task } from '../tasks/task';
import type { GPT } from '../model/model';

export interface PhaseSummary {
  greedyAccuracy: number;
  sampledAccuracy: number;
  medianGreedyLength: number;
  sampledLongShare: number;
}

export interface EvalOptions {
  maxNewTokens: number;
  sampleTemperature: number;
  seed: number;
  samplesToLog: number;
  /** Replicas that share the generations, the prompts split in contiguous shards (null: this thread). */
  parallel?: DataParallel | null;
}

export interface EvalOutcome {
  metrics: Record<string, number>;
  summary: PhaseSummary;
  /** A few generations of each kind, for the samples table (phase and step filled by the caller). */
  samples: Omit<SampleRow, 'phase' | 'step'>[];
}

interface Scored {
  correct: boolean[];
  long: boolean[];
  truncated: boolean[];
  lengths: number[];
  responses: Int32Array[];
}

async function generateScored(
  model: GPT,
  task: Task,
  prompts: Example[],
  temperature: number,
  opts: EvalOptions,
): Promise<Scored> {
  const rowSeeds = prompts.map((_, i) => streamSeed(opts.seed, i));
  const out = opts.parallel
    ? await opts.parallel.generate(model, prompts.map((e) => e.prompt), shardRanges(prompts.length, opts.parallel.size), rowSeeds, 1, {
        maxNewTokens: opts.maxNewTokens, temperature, eosId: task.eosId,
      })
    : await generate(model, prompts.map((e) => e.prompt), { maxNewTokens: opts.maxNewTokens, temperature, eosId: task.eosId, seed: 0, groupSeeds: rowSeeds });
  const s: Scored = { correct: [], long: [], truncated: [], lengths: [], responses: out.tokens };
  prompts.forEach((e, i) => {
    const response = out.tokens[i];
    const finished = out.finished[i] === 1;
    s.correct.push(task.isCorrect(e.prompt, response, finished));
    s.long.push(task.isLong(response, finished));
    s.truncated.push(!finished);
    s.lengths.push(response.length);
  });
  return s;
}

export async function evaluate(model: GPT, task: Task, heldOut: Example[], opts: EvalOptions): Promise<EvalOutcome> {
  const greedy = await generateScored(model, task, heldOut, 0, opts);
  const sampled = await generateScored(model, task, heldOut, opts.sampleTemperature, opts);
  const len = lengthStats(greedy.lengths);
  const metrics: Record<string, number> = {
    [METRIC.greedyAccuracy]: share(greedy.correct),
    [METRIC.sampledAccuracy]: share(sampled.correct),
    [METRIC.greedyLengthMedian]: len.median,
    [METRIC.greedyLengthMean]: len.mean,
    [METRIC.greedyLengthMin]: len.min,
    [METRIC.greedyLengthMax]: len.max,
    [METRIC.greedyLongShare]: share(greedy.long),
    [METRIC.sampledLongShare]: share(sampled.long),
    [METRIC.sampledLengthMean]: lengthStats(sampled.lengths).mean,
    [METRIC.truncatedShare]: share(greedy.truncated),
    [METRIC.sampledTruncatedShare]: share(sampled.truncated),
  };
  const branch = await measureBranchProbabilities(model, task, heldOut);
  if (branch) {
    metrics[METRIC.branchStartLong] = branch.startLong;
    metrics[METRIC.branchContinue] = branch.continueLong;
    metrics[METRIC.branchContinueGreedy] = branch.continueGreedyShare;
  }
  const samples: EvalOutcome['samples'] = [];
  const n = Math.min(opts.samplesToLog, heldOut.length);
  for (const [kind, s] of [['greedy', greedy], ['sampled', sampled]] as const) {
    for (let i = 0; i < n; i++) {
      samples.push({
        kind,
        prompt: task.decode(heldOut[i].prompt),
        response: task.decode(s.responses[i]) + (s.truncated[i] ? ' …' : ' EOS'),
        correct: s.correct[i],
        length: s.lengths[i],
      });
    }
  }
  return {
    metrics,
    summary: {
      greedyAccuracy: metrics[METRIC.greedyAccuracy],
      sampledAccuracy: metrics[METRIC.sampledAccuracy],
      medianGreedyLength: len.median,
      sampledLongShare: metrics[METRIC.sampledLongShare],
    },
    samples,
  };
}
