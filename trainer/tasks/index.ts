// Builds the task a config names. New tasks register here and nowhere else.
import type { TaskConfig } from '../../vocabulary/experiment-config';
import { MultiplicationTask } from './multiplication';
import { ParityTask } from './parity';
import type { Task } from './task';

export function makeTask(config: TaskConfig): Task {
  switch (config.kind) {
    case 'parity':
      return new ParityTask(config);
    case 'multiplication':
      return new MultiplicationTask(config);
  }
}

export type { Example, Task } from './task';
