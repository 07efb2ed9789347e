// Default run names: the knobs a researcher scans a list for, in the paper's notation.
import type { ExperimentConfig } from './experiment-config';

export function defaultRunName(config: ExperimentConfig): string {
  const task = config.task.kind === 'parity'
    ? `parity d=${config.task.d} p_cot=${config.task.p_cot}${config.task.chain === 'full' ? '' : ` leap-${config.task.chain.leap}`}`
    : `mult n=${config.task.digits} p_cot=${config.task.p_cot}`;
  const rl = config.rl ? ` +${config.rl.algorithm.toUpperCase()} τ=${config.rl.temperature}` : '';
  return `${config.name ? `${config.name}: ` : ''}${task}${rl} seed=${config.seed}`;
}
