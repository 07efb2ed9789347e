// Metric names the trainer logs and the UI charts. Names follow TRL/verl where they fit.
export const METRIC = {
  // both phases
  loss: 'loss',
  lr: 'lr',
  gradNorm: 'grad_norm',
  stepTimeMs: 'step_time_ms',
  /** Scored (response + EOS) tokens seen so far in the phase's training data. */
  tokensSeen: 'tokens_seen',
  // evaluation on held-out inputs (both phases)
  greedyAccuracy: 'eval/greedy_accuracy',
  sampledAccuracy: 'eval/sampled_accuracy',
  greedyLengthMedian: 'eval/greedy_length_median',
  greedyLengthMean: 'eval/greedy_length_mean',
  greedyLengthMin: 'eval/greedy_length_min',
  greedyLengthMax: 'eval/greedy_length_max',
  sampledLengthMean: 'eval/sampled_length_mean',
  sampledLongShare: 'eval/sampled_long_share',
  greedyLongShare: 'eval/greedy_long_share',
  /** Greedy responses that hit the length cap without EOS. */
  truncatedShare: 'eval/truncated_share',
  sampledTruncatedShare: 'eval/sampled_truncated_share',
  // the mechanism, from next-token distributions on held-out prompts (no sampling)
  /** P(long form's first token) at the first response position; theory (1+p)/2. */
  branchStartLong: 'branch/start_long_prob',
  /** P(long form's second token | its first); theory 2p/(1+p); greedy goes long above 1/2. */
  branchContinue: 'branch/continue_prob',
  /** Share of prompts whose greedy choice after the first long token continues the long form. */
  branchContinueGreedy: 'branch/continue_greedy_share',
  // RL rollouts
  /** The RL update's objective (policy-gradient surrogate, or STaR's loss on the kept samples);
   * it is not NTP's cross-entropy and may be negative, so it has its own key. */
  rlLoss: 'rl/loss',
  rewardMean: 'reward',
  rewardStd: 'reward_std',
  fracRewardZeroStd: 'frac_reward_zero_std',
  lengthMean: 'completions/mean_length',
  lengthMin: 'completions/min_length',
  lengthMax: 'completions/max_length',
  truncatedRatio: 'completions/clipped_ratio',
  longShare: 'completions/long_share',
  entropy: 'entropy',
  kl: 'kl',
  clipRatio: 'clip_ratio',
  // STaR in rounds (one value per round, at the round's RL step)
  /** Long share of the kept (correct) rollouts: the mix the round fine-tunes on. */
  starKeptLongShare: 'star/kept_long_share',
  /** The model's sampled long share (temperature 1, held-out prompts) after the round's fine-tune. */
  starSampledLongShare: 'star/sampled_long_share',
  /** 2p/(1+p) of the previous round's sampled long share (before round 1: the start model's). */
  starTheoryLongShare: 'star/theory_long_share',
  /** Fine-tune steps the round took. */
  starFinetuneSteps: 'star/finetune_steps',
  /** 1 when the round ended calibrated (within the tolerance), 0 when it hit the step cap. */
  starCalibrated: 'star/calibrated',
} as const;

export type MetricKey = (typeof METRIC)[keyof typeof METRIC];
