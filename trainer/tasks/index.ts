// Builds the task a config names. New tasks register here and nowhere else.
import type { TaskConfig } from '../config';
import { ParityTask } from './parity';
import type { Task } from './task';

export function makeTask(config: TaskConfig): Task {
  switch (config.kind) {
    case 'parity':
      return new ParityTask(config);
    case 'multiplication':
      throw new Error('task.kind "multiplication" is not implemented yet');
  }
}

export type { Example, Task } from './task';
