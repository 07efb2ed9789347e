// Pure pieces of the RL algorithms, on plain arrays so tests can check them by hand.
// Rollouts are laid out group by group: indices [g*G, (g+1)*G) belong to prompt g.

/** GRPO: (r - group mean) / (group std + eps), std over the group (population form). */
export function groupAdvantages(rewards: ArrayLike<number>, groupSize: number, eps = 1e-6): Float32Array {
  const out = new Float32Array(rewards.length);
  for (let g = 0; g < rewards.length; g += groupSize) {
    let mean = 0;
    for (let i = g; i < g + groupSize; i++) mean += rewards[i];
    mean /= groupSize;
    let q = 0;
    for (let i = g; i < g + groupSize; i++) q += (rewards[i] - mean) ** 2;
    const std = Math.sqrt(q / groupSize);
    for (let i = g; i < g + groupSize; i++) out[i] = (rewards[i] - mean) / (std + eps);
  }
  return out;
}

/** REINFORCE with a baseline: r - b, where b is the batch's mean reward. */
export function baselineAdvantages(rewards: ArrayLike<number>): Float32Array {
  let mean = 0;
  for (let i = 0; i < rewards.length; i++) mean += rewards[i];
  mean /= Math.max(1, rewards.length);
  return Float32Array.from(rewards, (r) => r - mean);
}

/** Share of prompt groups whose rewards are all equal (no learning signal for GRPO). */
export function fracZeroStdGroups(rewards: ArrayLike<number>, groupSize: number): number {
  let equal = 0;
  let groups = 0;
  for (let g = 0; g < rewards.length; g += groupSize) {
    groups++;
    let same = true;
    for (let i = g + 1; i < g + groupSize; i++) if (rewards[i] !== rewards[g]) same = false;
    if (same) equal++;
  }
  return groups ? equal / groups : NaN;
}
