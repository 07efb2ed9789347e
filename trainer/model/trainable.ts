// The slice of the model the algorithms need (GPT in model.ts satisfies it).
import type * as tf from '@tensorflow/tfjs';

export interface TrainableModel {
  /** idx int32 [B, T] -> logits [B, T, V]. */
  forward(idx: tf.Tensor2D): tf.Tensor3D;
  readonly variables: tf.Variable[];
}
