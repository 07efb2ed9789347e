// The GPT architecture an experiment config asks for (the config schema lives in vocabulary/).
import { blockSizeFor, vocabSizeFor, type ExperimentConfig } from '../../vocabulary/experiment-config';
import type { GPTConfig } from './model';

/** The GPT architecture an experiment asks for. */
export function modelConfigFor(config: Pick<ExperimentConfig, 'task' | 'eval' | 'model'>): GPTConfig {
  return {
    vocabSize: vocabSizeFor(config.task),
    blockSize: blockSizeFor(config),
    nLayer: config.model.layers,
    nHead: config.model.heads,
    nEmbd: config.model.width,
    mlpRatio: config.model.mlpRatio,
  };
}
