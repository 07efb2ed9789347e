import { ApiError } from '../../api/contract';
import type { Handlers } from '../dispatch';
import type { ServiceContext } from '../context';

type QueueHandlers = Pick<Handlers, 'queue/get' | 'queue/setConcurrency' | 'queue/move' | 'queue/cancel'>;

export function queueHandlers({ queue, store, hub }: ServiceContext): QueueHandlers {
  return {
    'queue/get': () => queue.state(),
    'queue/setConcurrency': ({ concurrency }) => {
      queue.setConcurrency(concurrency);
      return queue.state();
    },
    'queue/move': ({ id, toIndex }) => {
      if (!queue.move(id, toIndex)) throw new ApiError('conflict', `run ${id} is not waiting in the queue`);
      return queue.state();
    },
    'queue/cancel': ({ id }) => {
      if (!queue.remove(id)) throw new ApiError('conflict', `run ${id} is not waiting in the queue`);
      store.setStatus(id, 'stopped', 'cancelled before it started');
      hub.emit({ type: 'run/status', runId: id, status: 'stopped', error: 'cancelled before it started' });
      return queue.state();
    },
  } satisfies QueueHandlers;
}
