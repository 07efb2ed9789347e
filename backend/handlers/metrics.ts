import type { Handlers } from '../dispatch';
import type { ServiceContext } from '../context';
import { toGroupSeries, toMetricSeries } from '../mappers';

type MetricHandlers = Pick<Handlers, 'metrics/keys' | 'metrics/series' | 'metrics/groupSeries'>;

export function metricHandlers({ store }: ServiceContext): MetricHandlers {
  return {
    'metrics/keys': ({ runIds }) => {
      const keys = new Set<string>();
      for (const id of runIds) for (const key of Object.keys(store.getRun(id)?.metrics ?? {})) keys.add(key);
      return [...keys].sort();
    },
    'metrics/series': ({ runIds, keys, maxPoints, x }) => store.series({ runIds, keys, maxPoints, x: x ?? 'step' }).map(toMetricSeries),
    'metrics/groupSeries': ({ runIds, keys, maxPoints }) => {
      // Seeds of one config share a group key: aggregate each group among the requested runs.
      const byGroup = new Map<string, number[]>();
      for (const id of runIds) {
        const run = store.getRun(id);
        if (run) byGroup.set(run.groupKey, [...(byGroup.get(run.groupKey) ?? []), id]);
      }
      return [...byGroup].flatMap(([groupKey, ids]) => store.groupSeries({ runIds: ids, keys, maxPoints }).map((g) => toGroupSeries(groupKey, g)));
    },
  } satisfies MetricHandlers;
}
