import type { Handlers } from '../dispatch';
import type { ServiceContext } from '../context';
import { runMetricPoints } from '../metric-points';

type PointHandlers = Pick<Handlers, 'metrics/points'>;

export function pointHandlers({ store }: ServiceContext): PointHandlers {
  return {
    'metrics/points': ({ runIds, key, step }) => runMetricPoints(store, runIds, key, step ?? null),
  } satisfies PointHandlers;
}
