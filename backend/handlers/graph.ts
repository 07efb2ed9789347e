import type { Handlers } from '../dispatch';
import type { ServiceContext } from '../context';

type GraphHandlers = Pick<Handlers, 'graph/submit' | 'graph/get' | 'graph/stop'>;

export function graphHandlers({ graphs }: ServiceContext): GraphHandlers {
  return {
    'graph/submit': ({ runs, reuseTag }) => graphs.submit({ runs }, reuseTag),
    'graph/get': ({ graphId }) => graphs.get(graphId),
    'graph/stop': ({ graphId }) => graphs.stop(graphId),
  } satisfies GraphHandlers;
}
