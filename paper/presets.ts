// Named experiment presets. `headline` shows the paper's effect on a 2-core machine; its numbers
// and wall time are recorded in /work/notes/headline.md (and the README) with the command.
import { parseConfig, type ExperimentConfig, type ExperimentConfigInput } from '../vocabulary/experiment-config';

export interface Preset {
  name: string;
  title: string;
  description: string;
  /** Presets of one study share a group (the compare view shows a study's figure from it). */
  group: string;
  config: ExperimentConfig;
}

function preset(name: string, title: string, group: string, description: string, input: ExperimentConfigInput): Preset {
  return { name, title, group, description, config: parseConfig({ name, ...input }) };
}

// The headline model and optimizer (measured in /work/notes/headline.md): width 128 learns the d=20
// chain from a 25% share of long examples in ~200 steps, width 64 needed over 600. The cosine decay
// settles the first-token and continue/stop probabilities at their calibrated values, so greedy
// decoding stops short reliably at the end of NTP.
const HEADLINE_MODEL = { layers: 2, heads: 4, width: 128, mlpRatio: 4 };
const HEADLINE_NTP = { steps: 300, batchSize: 64, lr: 1e-3, warmupSteps: 20, schedule: 'cosine', weightDecay: 0, gradClip: 1, evalEvery: 50, checkpointEvery: 100 } as const;
const HEADLINE_EVAL = { heldOut: 256, sampleTemperature: 1, samplesToLog: 8 };

export const PRESETS: readonly Preset[] = [
  preset(
    'headline',
    'Headline: NTP stalls below the threshold, RL fixes it',
    'headline',
    'd=20, p_cot=0.25 (below 1/3). NTP learns the chain but greedy decoding answers short and is right half the time; ' +
      'GRPO with the end-to-end reward from its final checkpoint raises the long share past 1/3 and greedy accuracy jumps to ~100% with length d.',
    {
      task: { kind: 'parity', d: 20, p_cot: 0.25, chain: 'full' },
      model: HEADLINE_MODEL,
      ntp: HEADLINE_NTP,
      rl: { steps: 20, algorithm: 'grpo', reward: 'end-to-end', temperature: 1, groupSize: 8, promptsPerStep: 16, lr: 1e-4, epochs: 1, clipEps: 0.2, klCoef: 0, evalEvery: 5 },
      eval: HEADLINE_EVAL,
      seed: 0,
    },
  ),
  preset(
    'headline-control',
    'Control: above the threshold NTP alone suffices',
    'headline',
    'The headline setting with p_cot=0.5 (above 1/3) and no RL: greedy decoding follows the chain and NTP alone reaches ~100%.',
    {
      task: { kind: 'parity', d: 20, p_cot: 0.5, chain: 'full' },
      model: HEADLINE_MODEL,
      ntp: HEADLINE_NTP,
      rl: null,
      eval: HEADLINE_EVAL,
      seed: 0,
    },
  ),
  preset(
    'tiny',
    'Tiny (seconds): a smoke run for tests and demos',
    'demo',
    'd=6 with a 2-layer, width-32 model: a few dozen NTP steps and a few GRPO steps. Finishes in seconds; shows every chart moving, not the science.',
    {
      task: { kind: 'parity', d: 6, p_cot: 0.25, chain: 'full' },
      model: { layers: 2, heads: 2, width: 32, mlpRatio: 2 },
      ntp: { steps: 40, batchSize: 32, lr: 3e-3, warmupSteps: 5, evalEvery: 20, checkpointEvery: 0 },
      rl: { steps: 6, algorithm: 'grpo', reward: 'end-to-end', groupSize: 4, promptsPerStep: 8, lr: 1e-3, evalEvery: 3 },
      eval: { heldOut: 32, samplesToLog: 4 },
      seed: 0,
    },
  ),
];

export function presetNames(): string[] {
  return PRESETS.map((p) => p.name);
}

/** The preset's config (a fresh copy, safe to modify), or undefined for an unknown name. */
export function getPreset(name: string): Preset | undefined {
  const p = PRESETS.find((x) => x.name === name);
  return p && { ...p, config: structuredClone(p.config) };
}
